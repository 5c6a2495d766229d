"""The consolidated report: its content, the same in the page, the PDF and the workbook; the
extension point for other apps' sections; and a number of queries that does not grow."""

from __future__ import annotations

import io
from decimal import Decimal
from types import SimpleNamespace

import pytest
from django.urls import reverse
from openpyxl import load_workbook
from pypdf import PdfReader

from etablera.followup import consolidated, renderers, services
from etablera.web.tables import Cell, Section, Table
from tests.factories import BodyFactory
from tests.followup.conftest import approve, assess_all
from tests.goals.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory
from tests.mandates.factories import MandateFactory


@pytest.fixture
def no_contributors(monkeypatch):
    monkeypatch.setattr(consolidated, "_contributor_modules", lambda: [])


@pytest.fixture
def contributor(monkeypatch):
    """Another app's report_sections module: a section with a suppressed cell, and an extra
    table under the entry about the commissioned mandate."""
    seen = {}

    def sections(period, user):
        seen["sections"] = (period, user)
        return [
            Section(
                title="Nyckeltal ur deltagarregistret",
                intro="Avslut till arbete eller studier.",
                tables=[
                    Table(
                        caption="Avslut per kön",
                        columns=["Kön", "Antal"],
                        rows=[["Kvinnor", Cell(None, suppressed=True)], ["Män", 17]],
                    )
                ],
                order=40,
            )
        ]

    def entry_extras(period, entries, user):
        seen["entries"] = [e.pk for e in entries]
        return {
            e.pk: [
                Table(
                    caption="Insatsernas resultat på uppdraget",
                    columns=["Mått", "Värde"],
                    rows=[["Avslut till arbete", 23]],
                )
            ]
            for e in entries
            if e.mandate_id and e.mandate.is_commissioned
        }

    module = SimpleNamespace(sections=sections, entry_extras=entry_extras)
    monkeypatch.setattr(consolidated, "_contributor_modules", lambda: [module])
    return seen


@pytest.fixture
def approved_world(world, strategist):
    approve(world, world.sn_report, strategist=strategist)
    assess_all(world.ks_report, assessment="partly", analysis="KS:s bedömning av uppdraget.")
    services.submit_report(world.ks_report, actor=None)
    return world


def _plain(cell):
    """A summary cell as a test reads it: a count as its number, else its text."""
    return cell.value if isinstance(cell, Cell) and isinstance(cell.value, int) else str(cell)


def test_the_report_holds_summary_entries_r7_and_indicators(
    approved_world, strategist, no_contributors
):
    world = approved_world
    report = consolidated.build(world.period, strategist)
    assert report.title == "Sammanställd uppföljning Helår 2025"
    assert "1 av 2 organs rapporter är godkänd och 2 är inlämnade" in report.summary.intro
    assert "3 uppfyllda, 1 delvis uppfyllt, 0 ej uppfyllda" in report.summary.intro
    # The summary: per body and per policy area the goals and mandates counted by
    # assessment (met, partly, not met), the key figures and what deviates.
    by_body, by_area, figures, deviations = report.summary.tables
    assert by_body.columns == [
        "Organ",
        "Rapport",
        "Mål uppfyllda",
        "Mål delvis",
        "Mål ej uppfyllda",
        "Uppdrag uppfyllda",
        "Uppdrag delvis",
        "Uppdrag ej uppfyllda",
    ]
    assert [[_plain(c) for c in row] for row in by_body.rows] == [
        ["Kommunstyrelsen (KS)", "Inlämnad", 0, 0, 0, 0, 1, 0],
        ["Socialnämnden (SN)", "Godkänd", 1, 0, 0, 2, 0, 0],
    ]
    # Status colours are the badges': partly amber, met green; a count of 0 has none.
    assert by_body.rows[0][6].badge == "warn" and by_body.rows[1][2].badge == "ok"
    assert by_body.rows[1][3].badge == ""
    # A commissioned mandate counts once in its policy area, as its performer (SN) assessed
    # it; KS's own follow-up of it does not count it again.
    assert [[_plain(c) for c in row] for row in by_area.rows] == [
        ["Arbetsmarknad", 1, 0, 0, 2, 0, 0, 0]
    ]
    assert str(by_area.rows[0][-1]) == "0 av 1"  # 41,5 % against a target of 45 %
    assert [[str(c) for c in row] for row in figures.rows] == [
        ["Andel som gått till arbete", "–", "41,5\u00a0%", "45,0\u00a0%", "Nås inte"]
    ]
    assert figures.rows[0][-1].badge == "bad"
    assert [[str(c) for c in row] for row in deviations.rows] == [
        ["Arbetsmarknadsinsatser för nyanlända", "KS", "Delvis uppfyllt"]
    ]
    # The charts follow the summary, coloured and patterned as the badges.
    by_body_chart, by_area_chart = (chart.table for chart in report.assessments.charts)
    assert by_body_chart.columns == [
        "Organ",
        "Uppfyllt",
        "Delvis uppfyllt",
        "Ej uppfyllt",
        "Ej bedömt",
    ]
    assert by_body_chart.rows == [["KS", 0, 1, 0, 0], ["SN", 3, 0, 0, 0]]
    assert by_area_chart.rows == [["Arbetsmarknad", 3, 0, 0, 0]]

    ks, sn = report.bodies
    assert [e.title for e in ks.entries] == ["Arbetsmarknadsinsatser för nyanlända"]
    # R7: SN's account of the commissioned mandate, reported by SN; KS's own entry about it
    # says where, so it is not listed again among KS's references.
    assert [(e.reporting_body, e.title) for e in ks.commissioned] == [
        ("SN", "Arbetsmarknadsinsatser för nyanlända")
    ]
    sn_entry = next(e for e in sn.entries if e.mandate_id == world.commissioned.pk)
    assert ks.entries[0].reported_under == "Socialnämnden (SN)"
    assert ks.entries[0].reported_under_anchor == sn_entry.anchor
    assert ks.references == []
    assert sn.decision == world.approval.reference
    goal_entry = next(e for e in sn.entries if e.kind == "goal")
    assert goal_entry.indicator_names == ["Andel som gått till arbete"]
    assert goal_entry.tables == []
    # One row per indicator in the body's table, although two of SN's entries show it.
    table = sn.indicator_table
    assert table.caption == "Indikatorvärden i rapporten från SN när den lämnades in"
    assert table.columns == ["Indikator", "Totalt", "Kvinnor", "Män", "Målvärde 2025"]
    assert [[str(c) for c in row] for row in table.cells()] == [
        ["Andel som gått till arbete", "41,5\u00a0%", "38,0\u00a0%", "45,0\u00a0%", "45,0\u00a0%"]
    ]
    assert ks.commissioned_table is not None and len(ks.commissioned_table.rows) == 1
    (area,) = report.indicators
    assert area.title == "Arbetsmarknad"
    assert area.tables[0].columns[:2] == ["Indikator", "2021H"]
    assert "2025H" in area.tables[0].columns
    row = area.tables[0].rows[0]
    assert str(row[5]) == "41,5\u00a0%"  # 2025H, the fifth period of the trend
    assert area.charts and "Målvärde" in area.charts[0].table.columns


def test_a_reader_sees_only_approved_reports(approved_world, reader, no_contributors):
    report = consolidated.build(approved_world.period, reader)
    assert [p.short_name for p in report.bodies] == ["KS", "SN"]
    ks, sn = report.bodies
    # KS's report is only submitted: the reader sees no KS entries, but SN's R7 entry under KS.
    assert ks.entries == [] and len(ks.commissioned) == 1
    assert len(sn.entries) == 3
    # The status overview still names every body's report.
    assert len(report.summary.tables[0].rows) == 2


def test_approved_reports_show_their_snapshot_after_values_are_corrected(
    approved_world, strategist, no_contributors
):
    from etablera.goals.models import IndicatorValue

    IndicatorValue.objects.filter(gender="T").update(value=Decimal("99"))
    report = consolidated.build(approved_world.period, strategist)
    sn = report.bodies[1]
    assert str(sn.indicator_table.cells()[0][1]) == "41,5\u00a0%"
    # The indicator section shows the corrected, current value.
    assert str(report.indicators[0].tables[0].rows[0][5]) == "99,0\u00a0%"


def pdf_text(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, "\n".join(page.extract_text() for page in reader.pages)


def test_all_three_formats_say_the_same(approved_world, strategist, contributor, client):
    world = approved_world
    report = consolidated.build(world.period, strategist)
    assert contributor["sections"] == (world.period, strategist)

    html = renderers.render_document(report)
    pdf, text = pdf_text(renderers.render_pdf(report))
    workbook = load_workbook(io.BytesIO(renderers.render_xlsx(report)))
    cells = {
        str(c.value)
        for sheet in workbook.worksheets
        for row in sheet.iter_rows()
        for c in row
        if c.value is not None
    }
    flat = " ".join(text.split())
    for phrase in (
        "Sammanställd uppföljning Helår 2025",
        "Arbetet går enligt plan.",
        "KS:s bedömning av uppdraget.",
        "Nyckeltal ur deltagarregistret",
        "Insatsernas resultat på uppdraget",
        "Andel som gått till arbete",
    ):
        assert phrase in html, phrase
        assert phrase in flat, phrase
        assert any(phrase in c for c in cells), phrase

    # The PDF: a table of contents with page numbers, page numbers on every page, bookmarks,
    # selectable text, tags and metadata.
    assert "Innehåll" in text
    assert f"Sida 1 av {len(pdf.pages)}" in text
    assert f"Sida {len(pdf.pages)} av {len(pdf.pages)}" in text
    titles = [item["/Title"] for item in pdf.outline if not isinstance(item, list)]
    assert "Sammanställd uppföljning Helår 2025" in titles
    flat_outline = str(pdf.outline)
    for heading in (
        "Sammanfattning",
        "Organens rapporter",
        "Indikatorer",
        "Nyckeltal ur deltagarregistret",
    ):
        assert heading in flat_outline
    root = pdf.trailer["/Root"]
    assert "/StructTreeRoot" in root and root["/MarkInfo"]["/Marked"]
    assert root["/Lang"] == "sv"
    assert pdf.metadata.title == "Sammanställd uppföljning Helår 2025"

    # Suppressed figures are "..", never a number, in every format.
    assert ".." in flat and "(dold uppgift)" in html
    sheet = workbook["Nyckeltal ur deltagarregistret"]
    rows = [[c.value for c in row] for row in sheet.iter_rows()]
    assert ["Kvinnor", ".."] in [r[:2] for r in rows]
    assert ["Män", 17] in [r[:2] for r in rows]

    # The workbook: one sheet per part, numbers as numbers; statuses in the badges' colours.
    assert workbook.sheetnames[:2] == ["Sammanfattning", "Organens rapporter"]
    coloured = {
        (str(c.value), c.font.color.rgb)
        for row in workbook["Sammanfattning"].iter_rows()
        for c in row
        if c.font is not None and c.font.color is not None and c.font.bold
    }
    assert ("Delvis uppfyllt", "007A4B00") in coloured and ("Godkänd", "0017622B") in coloured
    assert {"Rapporternas indikatorer", "Indikatorer", "Diagramdata"} <= set(workbook.sheetnames)
    entries = workbook["Organens rapporter"]
    header = [c.value for c in entries[4]]
    assert header[:5] == ["Organ", "Avser", "Rubrik", "Politikområde", "Bedömning"]
    values = [c.value for row in workbook["Rapporternas indikatorer"].iter_rows() for c in row]
    assert 41.5 in values and 45.0 in values

    # The page, the PDF and the workbook downloads answer the same.
    client.force_login(strategist)
    base = f"/uppfoljning/perioder/{world.period.code}/sammanstallning"
    page = client.get(base + "/").content.decode()
    assert "Insatsernas resultat på uppdraget" in page and "Nyckeltal ur deltagarregistret" in page
    pdf_response = client.get(base + ".pdf")
    assert pdf_response["Content-Type"] == "application/pdf"
    assert "Arbetet går enligt plan." in " ".join(pdf_text(pdf_response.content)[1].split())
    xlsx_response = client.get(base + ".xlsx")
    assert "attachment" in xlsx_response["Content-Disposition"]
    assert load_workbook(io.BytesIO(xlsx_response.content)).sheetnames == workbook.sheetnames


def test_the_real_contributors_render_in_every_format(approved_world, strategist):
    """Whatever sections other apps contribute render in all three formats."""
    report = consolidated.build(approved_world.period, strategist)
    html = renderers.render_document(report)
    _pdf, text = pdf_text(renderers.render_pdf(report))
    workbook = load_workbook(io.BytesIO(renderers.render_xlsx(report)))
    for section in report.contributed:
        assert str(section.title) in html
        assert str(section.title) in " ".join(text.split())
        assert any(name.startswith(str(section.title)[:20]) for name in workbook.sheetnames)


def _grow(world, bodies: int, per_body: int):
    for i in range(bodies):
        body = BodyFactory(municipality=world.municipality)
        for j in range(per_body):
            MandateFactory(
                owner=body, follow_up_body=body, policy_area=world.area, title=f"Uppdrag {i}-{j}"
            )
            goal = GoalFactory(owner=body, policy_area=world.area)
            indicator = IndicatorFactory(goals=[goal])
            IndicatorValueFactory(indicator=indicator)
    services.open_period(world.period, actor=None)
    for report in world.period.reports.exclude(body__in=[world.ks, world.sn]):
        assess_all(report)
        services.submit_report(report, actor=None)


def test_the_number_of_queries_does_not_grow_with_the_data(
    approved_world, strategist, django_assert_max_num_queries, no_contributors
):
    world = approved_world
    with django_assert_max_num_queries(30) as few:
        consolidated.build(world.period, strategist)
    _grow(world, bodies=5, per_body=4)
    with django_assert_max_num_queries(len(few.captured_queries)):
        report = consolidated.build(world.period, strategist)
    assert len(report.bodies) == 7
    assert sum(len(p.entries) for p in report.bodies) == 4 + 5 * 8


def test_the_page_needs_no_more_queries_with_more_data(
    approved_world, strategist, client, django_assert_max_num_queries, no_contributors
):
    client.force_login(strategist)
    url = f"/uppfoljning/perioder/{approved_world.period.code}/sammanstallning/"
    with django_assert_max_num_queries(45) as few:
        assert client.get(url).status_code == 200
    _grow(approved_world, bodies=4, per_body=3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="entry"') >= 4 + 4 * 6


def test_the_command_writes_each_format(approved_world, tmp_path):
    from django.core.management import CommandError, call_command

    for fmt in ("html", "pdf", "xlsx"):
        out = tmp_path / f"r.{fmt}"
        call_command("report", period="2025h", fmt=fmt, output=str(out), stdout=io.StringIO())
        assert out.stat().st_size > 1000
    assert "Arbetet går enligt plan." in (tmp_path / "r.html").read_text()
    with pytest.raises(CommandError, match="not a stored follow-up period"):
        call_command("report", period="2019H", fmt="pdf", output=str(tmp_path / "x.pdf"))
    with pytest.raises(CommandError, match="Okänd period"):
        call_command("report", period="nonsens", fmt="pdf", output=str(tmp_path / "x.pdf"))


def test_a_commissioned_mandate_is_reported_once_and_referred_to(
    client, approved_world, strategist, no_contributors
):
    client.force_login(strategist)
    url = reverse("followup:consolidated", args=[approved_world.period.code])
    html = client.get(url).content.decode()
    title = "Arbetsmarknadsinsatser för nyanlända"
    sn_entry = approved_world.sn_report.entries.get(mandate=approved_world.commissioned)
    # The performer's entry in full, once; KS's own follow-up of it says where it is reported.
    assert html.count(f'id="post-{sn_entry.pk}"') == 1
    assert html.count(f"<h4>{title}</h4>") == 2
    assert f'Redovisas under <a href="#post-{sn_entry.pk}">Socialnämnden (SN)</a>' in html
    # A commissioner with no entry of its own about the mandate lists it by reference.
    world = approved_world
    world.ks_report.entries.filter(mandate=world.commissioned).delete()
    html = client.get(url).content.decode()
    assert html.count(f'id="post-{sn_entry.pk}"') == 1
    assert f'{title}. Redovisas under <a href="#post-{sn_entry.pk}">Socialnämnden (SN)</a>' in html


def test_a_mandate_page_shows_its_assessments_period_by_period(
    client, approved_world, strategist, reader
):
    url = reverse("mandates:detail", args=[approved_world.commissioned.pk])
    client.force_login(strategist)
    html = client.get(url).content.decode()
    section = html[html.index('id="assessments-heading"') :]
    # Both accounts of the mandate: KS's (submitted) and SN's (approved).
    assert section.count(">2025H</a>") == 2
    client.force_login(reader)
    section = client.get(url).content.decode()
    section = section[section.index('id="assessments-heading"') :]
    assert section.count(">2025H</a>") == 1  # a reader reads approved reports only
