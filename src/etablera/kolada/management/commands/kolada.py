"""`etablera kolada sync|values|groups|search`: fetch Kolada's figures, and print what is stored.

``sync [--years 2015-2025] [--kpi ID,...]`` fetches every indicator's KPI (or those named) for
the municipality, its comparison group and the country and prints, per KPI, what was added,
changed and removed. Exit code 0 when everything was fetched, 1 when something was not (the
values of what was not fetched stay as they were), 2 for bad input or no network.

``values --kpi ID[,ID] [--format json|csv]`` prints the stored values, one row per KPI,
municipality, year and gender: ``kpi, municipality, year, gender, value, status, fetched``.

``groups`` fetches Kolada's municipality groups (the starting points for a comparison group).

``search TEXT`` lists Kolada's KPIs with TEXT in the title (id and title), to find an id.
"""

from __future__ import annotations

import csv
import json
import sys

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from etablera.accounts.policy import Operator
from etablera.kolada import selectors, services
from etablera.kolada.client import KoladaError

#: Who the trail names for what the command stores.
OPERATOR = Operator("command:kolada")
FIELDS = ["kpi", "municipality", "year", "gender", "value", "status", "fetched"]


class Command(BaseCommand):
    help = "Fetch Kolada's figures (sync, groups) or print the stored ones (values)."

    def add_arguments(self, parser) -> None:
        sub = parser.add_subparsers(dest="action", required=True)
        sync = sub.add_parser("sync", help="Fetch and store values from Kolada.")
        sync.add_argument("--years", help="Years, e.g. 2015-2025 (default: 2015 to this year).")
        sync.add_argument("--kpi", help="Kolada ids, comma-separated (default: every indicator's).")
        values = sub.add_parser("values", help="Print the stored values.")
        values.add_argument("--kpi", required=True, help="Kolada ids, comma-separated.")
        values.add_argument("--format", choices=["json", "csv"], default="csv")
        sub.add_parser("groups", help="Fetch Kolada's municipality groups.")
        search = sub.add_parser("search", help="Search Kolada's KPIs by title.")
        search.add_argument("text", help="Words in the title, e.g. etablering.")

    def handle(self, *args, action: str, **options) -> None:
        with translation.override("en"):
            try:
                if action == "sync":
                    self._sync(options.get("years"), options.get("kpi"))
                elif action == "values":
                    self._values(options["kpi"], options["format"])
                elif action == "search":
                    for row in services.search_kolada(options["text"]):
                        self.stdout.write(f"{row['id']}\t{row['title']}")
                else:
                    count = services.sync_municipality_groups(actor=OPERATOR)
                    self.stdout.write(f"{count} municipality group(s) fetched from Kolada.")
            except KoladaError as exc:
                raise CommandError(str(exc), returncode=2) from None

    def _sync(self, years_text: str | None, kpi_text: str | None) -> None:
        years = services.parse_years(years_text) if years_text else None
        kpis = services.parse_kpi_ids(kpi_text) if kpi_text else None
        report = services.sync_kolada(kpis=kpis, years=years, actor=OPERATOR)
        if report.error and not report.results:
            raise CommandError(report.error, returncode=2)  # one line, nothing changed
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            sys.exit(1)

    def _values(self, kpi_text: str, fmt: str) -> None:
        ids = services.parse_kpi_ids(kpi_text)
        rows = [
            {
                "kpi": v.kpi_id,
                "municipality": v.municipality,
                "year": v.year,
                "gender": v.gender,
                "value": None if v.value is None else format(v.value.normalize(), "f"),
                "status": v.status,
                "fetched": v.fetched_at.isoformat(timespec="seconds"),
            }
            for v in selectors.stored_values(ids)
        ]
        if fmt == "json":
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        writer = csv.DictWriter(self.stdout, fieldnames=FIELDS, lineterminator="\n")
        writer.writeheader()
        for row in rows:
            writer.writerow({**row, "value": "" if row["value"] is None else row["value"]})
