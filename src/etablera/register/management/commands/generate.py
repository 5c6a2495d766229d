"""`etablera generate --participants N [--seed S]`: fill the register with synthetic people."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from etablera.organisation.models import Municipality, Unit
from etablera.register.generator import MAX_PARTICIPANTS, generate


class Command(BaseCommand):
    help = (
        "Add N synthetic participants with enrolments and outcome observations. Identity "
        "numbers come from the synthetic series described in docs/register-synthetic.md. "
        "Refuses to run unless the municipality is marked as demo data (or --allow)."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--participants", type=int, required=True, metavar="N")
        parser.add_argument("--seed", type=int, default=1487, metavar="S")
        parser.add_argument(
            "--unit",
            default="Arbetsmarknadsenheten",
            help="Owning unit (name or id); its sub-units share the participants.",
        )
        parser.add_argument(
            "--allow-non-demo",
            action="store_true",
            help="Also run when the municipality is not marked as demo data.",
        )

    def handle(
        self, *args, participants: int, seed: int, unit: str, allow_non_demo: bool, **options
    ) -> None:
        if not 1 <= participants <= MAX_PARTICIPANTS:
            raise CommandError(f"--participants must be from 1 to {MAX_PARTICIPANTS:,}")
        municipality = Municipality.objects.current()
        if municipality is None:
            raise CommandError("no municipality yet: run `etablera loaddemo` first")
        if not municipality.is_demo and not allow_non_demo:
            raise CommandError(
                f"{municipality} is not marked as demo data: synthetic people do not belong in a "
                "real register (use --allow-non-demo for a test database)"
            )
        owner = self._unit(unit)
        units = [owner, *Unit.objects.filter(parent=owner)]
        started = time.monotonic()
        with tqdm(
            total=participants,
            unit=" participants",
            file=sys.stderr,
            leave=False,
            disable=not sys.stderr.isatty(),
        ) as bar:
            made = generate(
                participants,
                unit=owner,
                seed=seed,
                units=units,
                progress=lambda done: bar.update(done - bar.n),
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {made.participants} participants, {made.enrolments} enrolments and "
                f"{made.observations} outcome observations in {time.monotonic() - started:.1f} s."
            )
        )

    def _unit(self, value: str) -> Unit:
        if value.isdigit() and Unit.objects.filter(pk=int(value)).exists():
            return Unit.objects.get(pk=int(value))
        units = list(Unit.objects.filter(name=value))
        if len(units) != 1:
            raise CommandError(f"no single unit named {value!r}: give the id")
        return units[0]
