"""The consolidated follow-up report: its web page and its PDF against plain-table baselines.

    python -m bench.bench_followup_report [--runs N] [--pdf-runs N]

Builds, in a throwaway SQLite database (or in ``DATABASE_URL`` if set to a scratch
PostgreSQL): 30 bodies, 300 mandates (a third commissioned by the first body, so their
performers report on them too — R7), 300 goals (ten per body, each serving one mandate),
100 indicators (each measuring three goals; values by gender for a third of them, targets per
year) and 10 annual periods 2016H–2025H, each opened, written, submitted and approved through
the services — about 700 entries a period. Then times, side by side, for 2025H:

* ``tables``  — a plain page of the same tables (every table the report holds, each rendered
  with ``includes/table.html``; no queries, no charts): the floor of any page with this content;
* ``page``    — the consolidated report page through Django's test client, as a strategist
  (queries, building, charts and the template);
* ``tables-pdf`` — WeasyPrint on the plain page of tables: what the tables alone cost the
  HTML-to-PDF engine the report used before (ADR 0005);
* ``weasyprint-pdf`` — WeasyPrint on the report's whole HTML document (``etablera report
  --format html``): the same content through that engine;
* ``pdf``     — the consolidated report's PDF as the download answers it (built, and typeset
  by Typst, on every request).

It prints the median wall-clock and CPU time of the runs (CPU of all the process's threads),
the ratios page/tables, pdf/tables-pdf and pdf/weasyprint-pdf, and the number of
queries the page needed (which does not grow with the data: see
tests/followup/test_consolidated.py).
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import logging
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from decimal import Decimal

BODIES, MANDATES, GOALS, INDICATORS, PERIODS = 30, 300, 300, 100, 10
FIRST_YEAR = 2016


def _setup() -> None:
    os.environ.setdefault("ETABLERA_ENV", "test")
    scratch = tempfile.mkdtemp(prefix="etablera-bench-")
    atexit.register(shutil.rmtree, scratch, ignore_errors=True)
    # The PDF cache lives under VAR_DIR: keep the benchmark's out of the working tree.
    os.environ.setdefault("ETABLERA_VAR_DIR", scratch)
    if "DATABASE_URL" not in os.environ:
        os.environ["DATABASE_URL"] = f"sqlite:///{os.path.join(scratch, 'bench.sqlite3')}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "etablera.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def _data():
    from etablera.accounts.models import RoleAssignment, User
    from etablera.followup import services
    from etablera.followup.models import Period
    from etablera.goals.models import Goal, Indicator, IndicatorValue, Target
    from etablera.mandates.models import Decision, Mandate, PolicyArea
    from etablera.organisation.models import Body, BodyKind, Municipality

    municipality, _ = Municipality.objects.get_or_create(
        code="1487", defaults={"name": "Benchkommunen"}
    )
    bodies = [
        Body.objects.create(
            municipality=municipality,
            kind=BodyKind.EXECUTIVE_BOARD if i == 0 else BodyKind.COMMITTEE,
            name="Kommunstyrelsen" if i == 0 else f"Nämnd {i:02}",
            short_name="KS" if i == 0 else f"N{i:02}",
        )
        for i in range(BODIES)
    ]
    areas = [
        PolicyArea.objects.create(name=f"Område {i:02}", code=f"omrade-{i:02}", order=i)
        for i in range(6)
    ]
    decision = Decision.objects.create(
        body=bodies[0], date=dt.date(2015, 1, 1), section="§ 1", title="Uppdrag"
    )
    mandates = []
    for i in range(MANDATES):
        commissioned = i % 3 == 0
        follow_up = bodies[i % BODIES]
        performer = bodies[(i + 5) % BODIES] if commissioned else follow_up
        mandates.append(
            Mandate(
                title=f"Uppdrag {i:03} om arbetsmarknad och integration",
                policy_area=areas[i % len(areas)],
                owner=performer,
                performer_body=performer,
                level="operational",
                origin="commissioned_ks" if commissioned else "ordinary",
                commissioned_by=bodies[0] if commissioned else None,
                decision=decision if commissioned else None,
                follow_up_body=follow_up,
                report_frequency="annual",
            )
        )
    mandates = Mandate.objects.bulk_create(mandates)
    goals = Goal.objects.bulk_create(
        Goal(
            title=f"Mål {i:03}: fler nyanlända i arbete eller studier",
            level="committee",
            owner=bodies[i % BODIES],
            policy_area=areas[i % len(areas)],
            valid_from=dt.date(FIRST_YEAR, 1, 1),
            valid_to=dt.date(FIRST_YEAR + PERIODS, 12, 31),
        )
        for i in range(GOALS)
    )
    for i, goal in enumerate(goals):
        goal.mandates.add(mandates[i])
    indicators = Indicator.objects.bulk_create(
        Indicator(
            name=f"Indikator {i:03}: andel deltagare i arbete",
            unit="percent",
            direction="higher",
            gender_breakdown=i % 3 == 0,
        )
        for i in range(INDICATORS)
    )
    values, targets = [], []
    for i, indicator in enumerate(indicators):
        indicator.goals.add(*(goals[(i * 3 + k) % GOALS] for k in range(3)))
        for year in range(FIRST_YEAR, FIRST_YEAR + PERIODS):
            targets.append(Target(indicator=indicator, year=year, value=Decimal(50)))
            for gender in indicator.genders:
                values.append(
                    IndicatorValue(
                        indicator=indicator,
                        start=dt.date(year, 1, 1),
                        end=dt.date(year, 12, 31),
                        gender=gender,
                        value=Decimal(30 + (i + year) % 40),
                    )
                )
    IndicatorValue.objects.bulk_create(values)
    Target.objects.bulk_create(targets)
    approval = Decision.objects.create(
        body=bodies[0], date=dt.date(2026, 3, 1), section="§ 2", title="Uppföljning"
    )
    assessments = ["met", "partly", "not_met"]
    for year in range(FIRST_YEAR, FIRST_YEAR + PERIODS):
        period = services.save_period(
            Period(
                code=f"{year}H",
                name=f"Helår {year}",
                kind="annual",
                start=dt.date(year, 1, 1),
                end=dt.date(year, 12, 31),
                deadline=dt.date(year + 1, 2, 15),
            ),
            actor=None,
        )
        for report in services.open_period(period, actor=None):
            services.update_report(
                report,
                {
                    e.pk: {
                        "assessment": assessments[(e.pk + year) % 3],
                        "analysis": "Arbetet har i huvudsak gått enligt plan. " * 4,
                        "measures": "Fortsätta enligt handlingsplanen.",
                    }
                    for e in report.entries.all()
                },
                actor=None,
            )
            services.submit_report(report, actor=None)
            services.approve_report(report, approval, actor=None)
    user = User.objects.create(username="bench-strateg")
    RoleAssignment.objects.create(user=user, role="strategist", body=bodies[0])
    return user, Period.objects.get(code=f"{FIRST_YEAR + PERIODS - 1}H")


def _cpu() -> float:
    """CPU seconds of this process, all its threads (Typst typesets on several)."""
    return time.process_time()


def _median(fn: Callable[[], object], runs: int) -> tuple[float, float]:
    """Median wall-clock and CPU seconds of ``runs`` calls."""
    wall, cpu = [], []
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), _cpu()
        fn()
        wall.append(time.perf_counter() - started)
        cpu.append(_cpu() - started_cpu)
    return statistics.median(wall), statistics.median(cpu)


def main(argv: list[str]) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--pdf-runs", type=int, default=3)
    args = parser.parse_args(argv)
    _setup()
    from django.conf import settings
    from django.db import connection
    from django.template import Context, Template
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    # WeasyPrint is only the baseline here: its progress messages would bury the figures.
    logging.getLogger("weasyprint").setLevel(logging.ERROR)
    logging.getLogger("fontTools").setLevel(logging.ERROR)
    from weasyprint import HTML

    from etablera.followup import consolidated, renderers
    from etablera.followup.models import ReportEntry

    settings.ALLOWED_HOSTS = ["*"]
    started = time.perf_counter()
    user, period = _data()
    print(
        f"data: {BODIES} bodies, {MANDATES} mandates, {GOALS} goals, {INDICATORS} indicators, "
        f"{PERIODS} periods, {ReportEntry.objects.count()} entries "
        f"({ReportEntry.objects.filter(report__period=period).count()} in {period.code}); "
        f"built in {time.perf_counter() - started:.0f} s on {connection.vendor}"
    )

    report = consolidated.build(period, user)
    tables = [*report.summary.tables, *(c.table for c in report.summary.charts)]
    for part in report.bodies:
        for entry in [*part.entries, *part.commissioned]:
            tables.extend(entry.tables)
    for section in [*report.indicators, *report.contributed]:
        tables.extend(section.tables)
        tables.extend(c.table for c in section.charts)
    plain = Template(
        '{% load i18n %}<!DOCTYPE html><html lang="sv"><head><meta charset="utf-8">'
        "<title>Tabeller</title></head><body><main><h1>Tabeller</h1>"
        '{% for table in tables %}{% include "includes/table.html" with table=table %}'
        "{% endfor %}</main></body></html>"
    )

    def tables_page() -> str:
        return plain.render(Context({"tables": tables}))

    client = Client()
    client.force_login(user)
    url = f"/uppfoljning/perioder/{period.code}/sammanstallning/"

    def page() -> None:
        response = client.get(url)
        assert response.status_code == 200, response.status_code

    def pdf() -> None:
        response = client.get(url.rstrip("/") + ".pdf")
        assert response.status_code == 200 and response.content.startswith(b"%PDF")

    plain_html = tables_page()
    document_html = renderers.render_document(report)

    def tables_pdf() -> None:
        HTML(string=plain_html).write_pdf()

    def weasyprint_pdf() -> None:
        HTML(string=document_html).write_pdf()

    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    page()  # warm the template cache and the connection
    # Django clears the query log when a request starts; start the count from an empty log.
    connection.queries_log.clear()
    with CaptureQueriesContext(connection) as queries:
        page()
    # Read now: ``captured_queries`` slices the live log, which the next request clears.
    query_count = len(queries.captured_queries)
    results = {
        "tables": _median(tables_page, args.runs),
        "page": _median(page, args.runs),
        "tables-pdf": _median(tables_pdf, args.pdf_runs),
        "weasyprint-pdf": _median(weasyprint_pdf, args.pdf_runs),
        "pdf": _median(pdf, args.runs),
    }
    charts = len(report.summary.charts) + sum(len(s.charts) for s in report.indicators)
    print(f"tables on the page: {len(tables)}; charts: {charts}; load average before: {load}")
    baselines = {"page": ["tables"], "pdf": ["tables-pdf", "weasyprint-pdf"]}
    for name, (wall, cpu) in results.items():
        line = f"{name:<14} median {wall * 1000:8.0f} ms wall {cpu * 1000:8.0f} ms cpu"
        for base in baselines.get(name, []):
            base_wall, base_cpu = results[base]
            line += f"   ratio {wall / base_wall:5.3f} × {base} ({cpu / base_cpu:5.3f} cpu)"
        if name == "page":
            line += f"   queries {query_count}"
        print(line)
    print(f"summary on the PDF's first page: {_summary_on_first_page(report)}")


def _summary_on_first_page(report) -> str:
    """Whether every row of the summary's tables is on page 1 of the PDF (the executive
    board's one page), and how many pages the PDF has."""
    import io

    from pypdf import PdfReader

    from etablera.followup import renderers

    pages = PdfReader(io.BytesIO(renderers.render_pdf(report))).pages
    first = " ".join(pages[0].extract_text().split())
    rows = [
        " ".join(" ".join(str(c) for c in row).split())
        for table in report.summary.tables
        for row in table.cells()
    ]
    missing = sum(1 for row in rows if row not in first)
    verdict = "yes" if not missing else f"no: {missing} of {len(rows)} rows later"
    return f"{verdict} ({len(rows)} rows; {len(pages)} pages)"


if __name__ == "__main__":
    main(sys.argv[1:])
