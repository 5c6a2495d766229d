"""``etablera rebuild_facts``: rebuild the KPI engine's facts from the register.

The facts follow every change made through the system by themselves. Rebuild them after the
register's tables were changed some other way — restored from a backup, or edited with SQL —
or to check them: ``--check`` only compares and exits with 1 if they differ.
"""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from etablera.statistics import facts


class Command(BaseCommand):
    help = "Rebuild the KPI engine's facts from the register (or, with --check, compare them)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--check",
            action="store_true",
            help="Only compare the facts with the register; exit status 1 if they differ.",
        )

    def handle(self, *args, check: bool = False, **options) -> None:
        started = time.perf_counter()
        if check:
            differing = facts.differences()
            if differing:
                raise CommandError(
                    f"The facts of {differing} enrolment(s) differ from the register. "
                    "Run: etablera rebuild_facts",
                    returncode=1,
                )
            self.stdout.write(
                f"The facts match the register ({time.perf_counter() - started:.1f} s)."
            )
            return
        count = facts.rebuild()
        self.stdout.write(
            f"Rebuilt the facts of {count} enrolment(s) in {time.perf_counter() - started:.1f} s."
        )
