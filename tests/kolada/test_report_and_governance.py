"""Kolada in the consolidated report and in the governance check; the demo's example figures."""

from __future__ import annotations

import pytest

from etablera.governance.registry import run
from etablera.kolada.governance_rules import CODE
from etablera.kolada.models import Kpi
from etablera.kolada.report_sections import sections
from tests.goals.factories import GoalFactory, IndicatorFactory

from .factories import KpiFactory, comparison_values


class Period:
    """What ``report_sections`` reads of a follow-up period."""

    def __init__(self, year: int) -> None:
        import datetime as dt

        self.code, self.name = f"{year}H", f"Helår {year}"
        self.start, self.end = dt.date(year, 1, 1), dt.date(year, 12, 31)


@pytest.fixture
def indicator(municipality, body):
    kpi = KpiFactory(id="N00973", title="Andel i arbete eller studier")
    comparison_values(kpi, {"1487": [40, 41], "1488": [50, 52], "0000": [45, 46]})
    return IndicatorFactory(
        source="kolada", source_key="N00973", name="Etablering", goals=[GoalFactory(owner=body)]
    )


def test_the_report_part_has_a_chart_with_its_table_and_the_credit(db, indicator):
    (part,) = sections(Period(2024), None)
    assert part.title == "Jämförelse med andra kommuner (Kolada)"
    (chart,) = part.charts
    assert chart.table.columns[:4] == [
        "År",
        "Testkommunen",
        "Jämförelsegruppen (medelvärde)",
        "Riket",
    ]
    assert [row[0] for row in chart.table.rows] == ["2023", "2024"]
    assert "Källa: Kolada (RKA), N00973, hämtat 2025-11-20." in chart.table.note
    assert "svg" in chart.svg and 'role="img"' in chart.svg


def test_the_report_shows_only_years_up_to_the_period(db, indicator):
    (part,) = sections(Period(2023), None)
    assert [row[0] for row in part.charts[0].table.rows] == ["2023"]


def test_no_kolada_indicator_no_part(db, municipality):
    assert sections(Period(2024), None) == []


def test_governance_flags_an_indicator_whose_kpi_changed_title(db, indicator, body):
    assert not [f for f in run() if f.code == CODE]
    Kpi.objects.filter(pk="N00973").update(title="Nytt namn i Kolada")
    (finding,) = [f for f in run() if f.code == CODE]
    assert "Nytt namn i Kolada" in finding.message and "Etablering" in finding.message
    assert finding.bodies == frozenset({body.pk})
    Kpi.objects.filter(pk="N00973").update(missing=True)
    (finding,) = [f for f in run() if f.code == CODE]
    assert "inte längre finns i Kolada" in finding.message


def test_the_demo_carries_labelled_example_figures(db):
    from etablera.kolada.models import Kpi, MunicipalityGroup, Value
    from etablera.web.demo import DemoContext, load_all

    load_all(DemoContext(small=True, log=lambda text: None))
    kpi = Kpi.objects.get(pk="N00973")
    assert kpi.is_example and not kpi.flagged
    assert Value.objects.filter(kpi=kpi, municipality="1487").count() == 30
    assert Value.objects.filter(kpi=kpi, value__isnull=True, status="Missing").exists()
    assert MunicipalityGroup.objects.filter(is_example=True).count() == 2
    (part,) = sections(Period(2025), None)
    assert part.charts[0].table.note.startswith("Exempeltal")


def test_page_pdf_and_workbook_all_carry_the_comparison(db, indicator):
    import io

    from openpyxl import load_workbook
    from pypdf import PdfReader

    from etablera.followup import consolidated, renderers
    from tests.followup.factories import PeriodFactory

    report = consolidated.build(PeriodFactory(code="2024H"), None)
    html = renderers.render_document(report)
    assert "Jämförelse med andra kommuner (Kolada)" in html
    assert "Källa: Kolada (RKA), N00973, hämtat 2025-11-20." in html
    text = "\n".join(
        p.extract_text() for p in PdfReader(io.BytesIO(renderers.render_pdf(report))).pages
    )
    assert "Jämförelse med andra kommuner (Kolada)" in text and "Källa: Kolada (RKA)" in text
    workbook = load_workbook(io.BytesIO(renderers.render_xlsx(report)))
    sheet = next(s for s in workbook.worksheets if s.title.startswith("Jämförelse med andra"))
    cells = [str(c.value) for row in sheet.iter_rows() for c in row if c.value is not None]
    assert "Riket" in cells
    assert any("Källa: Kolada (RKA), N00973, hämtat 2025-11-20." in c for c in cells)
