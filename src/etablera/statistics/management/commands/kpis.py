"""``etablera kpis``: the register KPIs as a table, CSV or JSON, with disclosure control applied.

Examples::

    etablera kpis --period 2025
    etablera kpis --period 2025T1 --by gender,category --format csv
    etablera kpis --period 2025-03-01..2025-03-31 --by intervention --format json
    etablera kpis --period 2025H --scope enhet:Arbetsmarknadsenheten

Every figure passes the same disclosure control as the pages and the API (perturbed, and a
hidden cell printed as "..", never as a number), and a unit or body is made a scope exactly as
for a user whose role lies there (``statistics.selectors``): only the municipality and the units
and bodies where roles that see the KPIs are assigned can be chosen. Bad input (an unknown period or
breakdown, a period outside the lattice, a period with no data, settings that would switch
protection off) stops with a message and a non-zero exit code.
"""

from __future__ import annotations

import datetime
import json

from django.core.exceptions import ImproperlyConfigured, ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from etablera.accounts import policy
from etablera.statistics import kpis, presentation, selectors
from etablera.statistics.kpis import KPIS, Scope
from etablera.web.tables import SUPPRESSED_EXPLANATION, Table, csv_text

from ..scopes import error_text, scope_from_text


class Command(BaseCommand):
    help = "Print the register KPIs for a period, with disclosure control applied."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--period",
            required=True,
            help="A year (2025, 2025H), the interim period (2025D), a tertial (2025T1) or a "
            "calendar month (2025-03-01..2025-03-31): the periods statistics are protected for.",
        )
        parser.add_argument(
            "--by",
            default="",
            help=f"Break down by one or two of: {', '.join(kpis.DIMENSIONS)} (comma-separated).",
        )
        parser.add_argument("--format", choices=["table", "json", "csv"], default="table")
        parser.add_argument(
            "--scope",
            default="kommun",
            help="kommun (the whole municipality, default), enhet:<unit id or name> (the unit "
            "and the units under it) or organ:<body short name or id>.",
        )
        parser.add_argument(
            "--kpis", default="", help=f"Only these KPIs (comma-separated): {', '.join(KPIS)}."
        )
        parser.add_argument(
            "--as-of",
            default="",
            help="The day ongoing enrolments are costed up to (YYYY-MM-DD; default today).",
        )

    def handle(self, *args, **options) -> None:
        try:
            period = selectors.resolve(options["period"])
            by = kpis.parse_breakdown(options["by"])
            scope = self._scope(options["scope"])
            wanted = self._kpis(options["kpis"])
            as_of = datetime.date.fromisoformat(options["as_of"]) if options["as_of"] else None
            report = kpis.compute(period, scope, by, kpis=wanted, as_of=as_of)
        except (ValidationError, kpis.InvalidBreakdown, ImproperlyConfigured) as exc:
            raise CommandError(error_text(exc)) from exc
        except ValueError as exc:
            raise CommandError(f"--as-of must be a date (YYYY-MM-DD): {exc}") from exc
        if report.is_empty:
            raise CommandError(
                f"No enrolments in {scope.label} were active during {period.label} "
                f"({period.start:%Y-%m-%d} – {period.end:%Y-%m-%d}): there is nothing to report."
            )
        shown = tuple(wanted) if wanted else presentation.ALL_KPIS
        fmt = options["format"]
        if fmt == "json":
            data = presentation.as_json(report, shown, text=options["period"])
            self.stdout.write(json.dumps(data, ensure_ascii=False, indent=2))
            return
        table = presentation.report_table(report, shown)
        if fmt == "csv":
            self.stdout.write(csv_text([table]), ending="")
            return
        # In a terminal a one-way breakdown reads best with a column per group.
        self.stdout.write(text_table(transpose(table) if len(by) == 1 else table))

    def _scope(self, text: str) -> Scope:
        return scope_from_text(text, policy.Operator("etablera kpis"))

    def _kpis(self, text: str) -> list[str] | None:
        names = [n.strip() for n in text.split(",") if n.strip()]
        unknown = [n for n in names if kpis.kpi_key(n) is None]
        if unknown:
            raise CommandError(f"Unknown KPI {unknown[0]!r}: choose from {', '.join(KPIS)}.")
        return [kpis.kpi_key(n) or "" for n in names] or None


def transpose(table: Table) -> Table:
    """Rows become columns: a row per KPI, a column per group."""
    cells = table.cells()
    columns = [str(table.columns[0]), *(str(row[0]) for row in cells)]
    rows = [[heading, *(row[i] for row in cells)] for i, heading in enumerate(table.columns) if i]
    return Table(caption=table.caption, columns=columns, rows=rows, note=table.note)


def text_table(table: Table) -> str:
    """The table in aligned columns for a terminal, with what ".." means below it."""
    rows = [[str(c) for c in table.columns], *([str(c) for c in row] for row in table.cells())]
    widths = [max(len(row[i]) for row in rows) for i in range(len(table.columns))]
    lines = [str(table.caption), ""]
    for index, row in enumerate(rows):
        cells = [
            row[i].ljust(widths[i]) if i == 0 or index == 0 else row[i].rjust(widths[i])
            for i in range(len(row))
        ]
        lines.append("  ".join(cells).rstrip())
        if index == 0:
            lines.append("  ".join("-" * w for w in widths))
    if table.note:
        lines += ["", str(table.note)]
    if table.has_suppressed:
        lines += ["", str(SUPPRESSED_EXPLANATION)]
    return "\n".join(lines) + "\n"
