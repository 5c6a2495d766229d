"""`etablera check-governance`: the governance check on the command line (and in CI or cron).

Prints the findings as text or JSON (a list of objects with ``code``, ``severity``, ``object``
and ``message``). The exit code is 0 unless ``--fail-on`` is given and a finding of that
severity or graver exists; then it is 1. (The file name has a hyphen so that the command is
spelled ``check-governance``, as in the user guide.)
"""

from __future__ import annotations

import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone, translation

from etablera.accounts.policy import Operator
from etablera.governance import selectors
from etablera.governance.registry import RANK, Severity, worst
from etablera.organisation.models import Body


class Command(BaseCommand):
    help = "Run the governance check: the gaps in steering, coordination and follow-up."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--body", type=int, help="Only findings concerning this body (id).")
        parser.add_argument("--format", choices=["text", "json"], default="text")
        parser.add_argument(
            "--fail-on",
            choices=[Severity.WARNING.value, Severity.ERROR.value],
            help="Exit with 1 if a finding of this severity or graver exists.",
        )

    def handle(self, *args, body: int | None, format: str, fail_on: str | None, **options):
        chosen = None
        if body is not None:
            chosen = Body.objects.filter(pk=body).first()
            if chosen is None:
                raise CommandError(f"No body with id {body}.")
        with translation.override("sv"):
            findings = selectors.findings_for(
                Operator("command:check-governance"), body=chosen, today=timezone.localdate()
            )
            if format == "json":
                self.stdout.write(
                    json.dumps([f.as_dict() for f in findings], ensure_ascii=False, indent=2)
                )
            else:
                for f in findings:
                    self.stdout.write(f"{f.code}  {f.severity:<7}  {f.message}  [{f.object.url}]")
                self.stdout.write(f"{len(findings)} finding(s).")
        if fail_on and worst(findings) >= RANK[Severity(fail_on)]:
            sys.exit(1)
