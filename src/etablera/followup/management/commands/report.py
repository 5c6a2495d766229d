"""``etablera report --period CODE --format html|pdf|xlsx -o FILE``: the consolidated report.

The same content as the web page, for the whole municipality: the command line is an operator's
tool, and reads as ``Operator("command:report")``. The HTML is a standalone document,
printable and readable offline.
"""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from etablera.accounts.policy import Operator
from etablera.followup import consolidated, renderers
from etablera.goals.periods import InvalidPeriod, resolve_period


class Command(BaseCommand):
    help = "Write the consolidated follow-up report of a period as HTML, PDF or Excel."

    def add_arguments(self, parser):
        parser.add_argument(
            "--period", required=True, help="Period code of a stored period, e.g. 2025H or 2026T3."
        )
        parser.add_argument(
            "--format",
            dest="fmt",
            choices=["html", "pdf", "xlsx"],
            default="pdf",
            help="Output format (default: pdf).",
        )
        parser.add_argument(
            "-o", "--output", required=True, help="File to write, or - for standard output."
        )

    def handle(self, *args, period: str, fmt: str, output: str, **options):
        try:
            resolved = resolve_period(period)
        except InvalidPeriod as exc:
            raise CommandError(str(exc.messages[0])) from exc
        if resolved.period is None:
            raise CommandError(
                f"{period!r} is not a stored follow-up period; the consolidated report needs "
                "one (see `etablera report --help` and the period list in the web interface)."
            )
        report = consolidated.build(resolved.period, Operator("command:report"))
        if fmt == "html":
            data = renderers.render_document(report).encode("utf-8")
        elif fmt == "pdf":
            data = renderers.render_pdf(report)
        else:
            data = renderers.render_xlsx(report)
        if output == "-":
            sys.stdout.buffer.write(data)
            return
        path = Path(output)
        path.write_bytes(data)
        entries = sum(len(p.entries) for p in report.bodies)
        self.stdout.write(
            f"Wrote {path} ({len(data):,} bytes): {report.title}, "
            f"{entries} entries from {len(report.bodies)} bodies."
        )
