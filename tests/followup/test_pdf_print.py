"""The consolidated report's PDF, typeset by Typst: the same content as the page.

The PDF is made from the report's data (``followup.typeset``), not from the page's HTML; these
tests open the produced PDF and check that nothing was lost on the way: every entry's facts
and texts, every chart as a tagged figure with its text alternative and its data table, the
table of contents with the right page numbers, page numbers on every page, PDF/UA-1.
"""

from __future__ import annotations

import io
import re

import pytest
from pypdf import PdfReader

from etablera.followup import consolidated, renderers, typeset
from tests.followup.test_consolidated import approved_world, no_contributors  # noqa: F401


@pytest.fixture
def printed(approved_world, strategist, no_contributors):  # noqa: F811
    report = consolidated.build(approved_world.period, strategist)
    reader = PdfReader(io.BytesIO(renderers.render_pdf(report)))
    pages = [page.extract_text() for page in reader.pages]
    return report, reader, pages


def _flat(text: str) -> str:
    return " ".join(text.split())


def _struct_elements(reader: PdfReader, tag: str) -> list:
    found = []
    stack = [reader.trailer["/Root"]["/StructTreeRoot"]]
    while stack:
        node = stack.pop().get_object()
        if not hasattr(node, "get"):
            continue
        if node.get("/S") == tag:
            found.append(node)
        kids = node.get("/K")
        if kids is None:
            continue
        for kid in kids if isinstance(kids, list) else [kids]:
            if hasattr(kid, "get_object"):
                stack.append(kid)
    return found


def test_every_entry_says_in_the_pdf_what_it_says_on_the_page(printed):
    report, _reader, pages = printed
    text = _flat("\n".join(pages))
    entries = list(report.all_entries())
    assert entries
    for _part, entry in entries:
        assert entry.title in text
        assert f"{report.labels['assessment']}: {entry.assessment_label}." in text
        assert f"{report.labels['analysis']}: {_flat(entry.analysis or '–')}" in text
        assert f"{report.labels['measures']}: {_flat(entry.measures or '–')}" in text
        if entry.indicator_names:
            assert f"{report.labels['indicators']}: {', '.join(entry.indicator_names)}" in text
    # R7: the commissioner's own follow-up says where the mandate is reported, as a link to
    # the performer's entry.
    ks = report.bodies[0]
    assert ks.commissioned and ks.entries[0].reported_under
    assert f"{report.labels['reported_under']} {ks.entries[0].reported_under}." in text
    links = [
        annotation.get_object().get("/Dest") or annotation.get_object().get("/A", {}).get("/D")
        for page in _reader.pages
        for annotation in page.get("/Annots", [])
    ]
    assert any(str(ks.entries[0].reported_under_anchor) in str(link) for link in links)


def test_charts_are_tagged_figures_with_their_alternative_and_data_table(printed):
    report, reader, pages = printed
    charts = [*report.assessments.charts, *(c for s in report.indicators for c in s.charts)]
    assert charts
    figures = _struct_elements(reader, "/Figure")
    assert sorted(str(f["/Alt"]) for f in figures) == sorted(c.alt for c in charts)
    text = _flat("\n".join(pages))
    for chart in charts:
        # The alternative is the figure's /Alt only: shown as text too, it would be read twice.
        assert _flat(chart.alt) not in text
        assert chart.table.caption in text
        for row in chart.table.cells():
            assert _flat(" ".join(str(c) for c in row)) in text


def test_the_table_of_contents_gives_the_page_of_each_part(printed):
    report, reader, pages = printed
    # The contents follow the first page, which holds the title and the summary.
    assert "Innehåll" not in pages[0] and "Innehåll" in pages[1]
    destinations = reader.named_destinations
    items = [item for top in report.toc() for item in (top, *top.children)]
    assert items
    for item in items:
        match = re.search(rf"{re.escape(str(item.title))}[ .]*?(\d+)\s*$", pages[1], re.M)
        assert match, item.title
        page = reader.get_destination_page_number(destinations[item.anchor]) + 1
        assert int(match.group(1)) == page, item.title
        assert str(item.title) in pages[page - 1]
    for number, text in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in text
    # The text is selectable and the document tagged, in Swedish.
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "sv"


def _read(data: bytes) -> tuple[PdfReader, str]:
    reader = PdfReader(io.BytesIO(data))
    return reader, _flat("\n".join(page.extract_text() for page in reader.pages))


def test_the_pdf_declares_pdf_ua_and_its_title(printed):
    report, reader, _pages = printed
    metadata = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part(>|=\")1", metadata)
    assert reader.trailer["/Root"]["/ViewerPreferences"]["/DisplayDocTitle"]
    assert reader.metadata.title == report.title
    assert reader.metadata.author == report.municipality


@pytest.fixture
def built(approved_world, strategist, no_contributors):  # noqa: F811
    return consolidated.build(approved_world.period, strategist)


@pytest.mark.parametrize(
    "text",
    [
        '#panic("nej") #read("/etc/passwd")',
        "*fet* _kursiv_ $x^2$ <etikett> @hänvisning",
        "] [ } { \\ // ingen kommentar /* heller */",
        "= Ingen rubrik\n- ingen lista\n+ ingen numrering",
    ],
)
def test_text_in_the_report_is_set_as_text_never_read_as_markup(built, text):
    report = built
    entry = report.bodies[0].entries[0]
    entry.analysis = text
    entry.title = text.splitlines()[0]
    _reader, flat = _read(renderers.render_pdf(report))
    assert f"{report.labels['analysis']}: {_flat(text)}" in flat


def test_a_written_line_break_stays_a_line_break(built):
    report = built
    report.bodies[0].entries[0].measures = "Första steget.\r\nAndra steget."
    reader, _flat_text = _read(renderers.render_pdf(report))
    text = "\n".join(page.extract_text() for page in reader.pages)
    assert re.search(r"Första steget\.\s*\n\s*Andra steget\.", text)


def test_the_pdf_says_its_parts_in_the_order_of_the_contents(built):
    report = built
    document = typeset.document(report)
    blocks = document["summary"] + document["blocks"]
    headed = [
        b["anchor"] for b in blocks if b["kind"] in ("part", "heading") and b.get("level", 2) <= 3
    ]
    assert headed == [item.anchor for top in report.toc() for item in (top, *top.children)]
    entries = [b["anchor"] for b in blocks if b["kind"] == "entry"]
    assert len(entries) == len(set(entries))
    # A commissioned mandate is reported once, by its performer; the commissioner refers to it.
    assert len(entries) == len(report.all_entries())


def test_the_summary_fits_the_first_page(printed):
    """The executive board reads page 1: the title, then the whole summary — per body, per
    policy area, the key figures and what deviates — and nothing of the details."""
    report, _reader, pages = printed
    first = _flat(pages[0])
    assert first.startswith(report.title)
    for table in report.summary.tables:
        assert _flat(str(table.caption)) in first
        for row in table.cells():
            assert _flat(" ".join(str(c) for c in row)) in first
    assert "Organens rapporter" not in first and "Innehåll" not in first
