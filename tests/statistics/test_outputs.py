"""Every output that shows figures from the register: protected, with its accuracy stated, and
refused while the protection is set up wrong.

The outputs: the dashboard and its CSV and workbook, the API, ``etablera kpis``, the
consolidated report (page, PDF, workbook) with a register-sourced indicator, a mandate's
intervention outcomes, an audit's traceability page, the intervention list and page, and the
start page.
"""

from __future__ import annotations

import io

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings
from django.urls import reverse

from etablera.accounts.roles import Role
from tests.audits.test_trace import chain  # noqa: F401 (a fixture)
from tests.goals.factories import GoalFactory, IndicatorFactory

ACCURACY = "kan avvika med upp till ±"
REFUSED = "Röjandekontrollen"

#: Settings that would switch protection off, each refused.
OFF = [
    {"ETABLERA_NOISE_MAX": 0},
    {"ETABLERA_SUPPRESSION_THRESHOLD": 2},
    {"ETABLERA_MEDIAN_MIN_GROUP": 5},
    {"ETABLERA_STATISTICS_KEY": ""},
]


@pytest.fixture
def outputs(chain, populated):  # noqa: F811
    """The register (``populated`` and the audit chain's intervention), a closed 2025H with a
    report, and an indicator computed from the register."""
    IndicatorFactory(
        source="register",
        source_key="active_participants",
        unit="count",
        goals=[GoalFactory()],
    )
    return chain


def pages(chain) -> dict[str, str]:  # noqa: F811
    """Every page and file that shows register figures, by name."""
    return {
        "dashboard": reverse("statistics:dashboard") + "?period=2025",
        "csv": reverse("statistics:export-csv") + "?period=2025",
        "xlsx": reverse("statistics:export-xlsx") + "?period=2025",
        "api": "/api/kpis/?period=2025",
        "report": reverse("followup:consolidated", args=["2025H"]),
        "report-xlsx": reverse("followup:consolidated-xlsx", args=["2025H"]),
        "trace": reverse("audits:recommendation", args=[chain["rec"].pk]),
        "interventions": reverse("register:intervention-list"),
        "intervention": reverse("register:intervention-detail", args=[chain["intervention"].pk]),
        "mandate": reverse("mandates:detail", args=[chain["mandate"].pk]),
        "start": "/",
    }


def text_of(response) -> str:
    if response["Content-Type"].startswith("application/vnd.openxmlformats"):
        book = openpyxl.load_workbook(io.BytesIO(response.content))
        return "\n".join(
            str(cell.value)
            for sheet in book.worksheets
            for row in sheet.iter_rows()
            for cell in row
            if cell.value is not None
        )
    return response.content.decode("utf-8-sig")


def test_every_output_states_its_accuracy(client, make_user, outputs):
    client.force_login(make_user(Role.STRATEGIST))
    for name, url in pages(outputs).items():
        response = client.get(url)
        assert response.status_code == 200, name
        text = text_of(response)
        assert ACCURACY in text, name
        if name not in ("interventions", "intervention"):  # those are counts of today
            assert "Slutliga siffror" in text or "Preliminära siffror" in text, name
    text = io.StringIO()
    call_command("kpis", "--period", "2025", stdout=text)
    assert ACCURACY in text.getvalue()


def test_the_register_indicator_in_the_report_says_how_far_it_may_lie(client, make_user, outputs):
    client.force_login(make_user(Role.STRATEGIST))
    page = client.get(reverse("followup:consolidated", args=["2025H"])).content.decode()
    indicators = page[page.index("Indikatorer inom") :]
    assert ACCURACY in indicators[: indicators.index("</section>")]


@pytest.mark.parametrize("setting", OFF)
def test_settings_that_switch_protection_off_are_refused_by_every_output(
    client, make_user, outputs, setting
):
    client.force_login(make_user(Role.STRATEGIST))
    with override_settings(**setting):
        for name, url in pages(outputs).items():
            response = client.get(url)
            text = text_of(response)
            if name in ("mandate", "start"):
                # A page with figures in one part: that part says why it has none.
                assert response.status_code == 200, name
                assert REFUSED in text and ACCURACY not in text, name
            else:
                assert response.status_code == 503, name
                assert REFUSED in text, name
        pdf = client.get(reverse("followup:consolidated-pdf", args=["2025H"]))
        assert pdf.status_code == 503
        with pytest.raises(CommandError, match="ETABLERA_"):
            call_command("kpis", "--period", "2025", stdout=io.StringIO())


def test_every_output_publishes_the_dashboards_cells(make_user, outputs):
    """The trace, a mandate's outcomes and a register indicator show exactly the cells of the
    by-intervention breakdown and the total: nothing an output publishes is new to subtract."""
    import datetime as dt
    from decimal import Decimal

    from etablera.audits.kpi_trace import kpi_series
    from etablera.goals.models import Indicator
    from etablera.statistics import kpis, selectors
    from etablera.statistics.sources import RegisterKpiSource

    user = make_user(Role.STRATEGIST)
    year = selectors.resolve("2025")
    intervention = outputs["intervention"]
    report = kpis.compute(year, kpis.municipality_scope(), ("intervention",))
    cell = report.groups[(("intervention", intervention.pk),)].cells["active_participants"]
    series, _note = kpi_series(user, [intervention], outputs["rec"], dt.date(2026, 1, 15))
    active = series[0].table
    (row,) = [r for r in active.rows if r[0] == "2025"]
    assert row[1] == cell
    outcomes = selectors.mandate_outcomes(user, outputs["mandate"], year)
    (shown,) = [r for r in outcomes["table"].rows if r[0] == intervention.name]
    assert shown[1] == cell
    indicator = Indicator.objects.get(source="register")
    (value,) = RegisterKpiSource().values(indicator, year.start, year.end, user=user)
    total = report.total.cells["active_participants"]
    assert value.suppressed == total.suppressed
    assert value.value == (None if total.suppressed else Decimal(total.value))
