"""The consolidated report's print document: leaner markup than the page, the same content.

The PDF uses print versions of the table, chart and entry templates (``renderers.
PRINT_TEMPLATES``); these tests open the produced PDF and check that nothing was lost on the
way: every entry's facts and texts, every chart as a tagged figure with its text alternative
and its data table, the table of contents with the right page numbers, page numbers on every
page.
"""

from __future__ import annotations

import gc
import io
import os
import re
from urllib.parse import unquote

import pydyf
import pytest
from pypdf import PdfReader

from etablera.followup import consolidated, renderers
from etablera.followup.templatetags.followup_print import svg_data_uri
from tests.followup.test_consolidated import approved_world, no_contributors  # noqa: F401


@pytest.fixture
def printed(approved_world, strategist, no_contributors):  # noqa: F811
    report = consolidated.build(approved_world.period, strategist)
    reader = PdfReader(io.BytesIO(renderers.render_pdf(report, cache=False)))
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
    # R7: the performer's entry also under the commissioning body, naming who reported it.
    ks = report.bodies[0]
    assert ks.commissioned
    assert f"{report.labels['reported_by']}: {ks.commissioned[0].reporting_body_name}." in text


def test_charts_are_tagged_figures_with_their_alternative_and_data_table(printed):
    report, reader, pages = printed
    charts = [*report.summary.charts, *(c for s in report.indicators for c in s.charts)]
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
    assert "Innehåll" in pages[0]
    destinations = reader.named_destinations
    items = [item for top in report.toc() for item in (top, *top.children)]
    assert items
    for item in items:
        match = re.search(rf"{re.escape(str(item.title))}[ .]*?(\d+)\s*$", pages[0], re.M)
        assert match, item.title
        page = reader.get_destination_page_number(destinations[item.anchor]) + 1
        assert int(match.group(1)) == page, item.title
        assert str(item.title) in pages[page - 1]
    for number, text in enumerate(pages, start=1):
        assert f"Sida {number} av {len(pages)}" in text
    # The text is selectable and the document tagged, in Swedish.
    root = reader.trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and root["/Lang"] == "sv"


def test_a_chart_becomes_an_image_the_svg_unchanged():
    svg = (
        '<svg xmlns="http://www.w3.org/2000/svg" id="chart7">'
        '<text fill="#0b4f8a">Å &amp; Ä</text></svg>'
    )
    uri = svg_data_uri(svg)
    assert uri.startswith("data:image/svg+xml,")
    body = uri.split(",", 1)[1]
    # Nothing that ends an attribute or a URL: quotes, fragment marks, spaces, angle brackets.
    assert not set('"#<> ') & set(body)
    assert unquote(body) == svg
    # The element ids stay legible, so the cache's content key can leave them out.
    assert "chart7" in body


def test_the_page_references_are_the_same_as_pydyfs():
    pdf = pydyf.PDF()
    pages = []
    for _ in range(3):
        page = pydyf.Dictionary({"Type": "/Page"})
        pdf.add_page(page)
        pages.append(page)
        expected = tuple(f"{p.number} 0 R".encode("ascii") for p in pages)
        assert renderers._page_references(pdf) == expected
    assert renderers._page_references(pdf) is renderers._page_references(pdf)


@pytest.fixture
def print_html(approved_world, strategist, no_contributors) -> str:  # noqa: F811
    """The PDF's source document for the approved period, as a strategist reads it."""
    return renderers.render_document(
        consolidated.build(approved_world.period, strategist), pdf=True
    )


def test_the_pdf_is_the_same_whether_rendered_in_a_child_or_here(print_html, monkeypatch):
    html = print_html
    forked = renderers._in_child(html)
    assert forked is not None and forked.startswith(b"%PDF")
    # A process with more threads does not fork: it renders in place, to the same document.
    monkeypatch.setattr(renderers.threading, "active_count", lambda: 2)
    assert renderers._in_child(html) is None
    here = renderers._weasyprint(html)
    texts = [
        [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]
        for data in (forked, here)
    ]
    assert texts[0] == texts[1]
    assert "Organens rapporter" in texts[0][0]


def test_a_failing_child_falls_back_to_rendering_here(print_html, monkeypatch):
    html = print_html
    parent = os.getpid()
    real = renderers._layout_and_write

    def only_here(source: str) -> bytes:
        if os.getpid() != parent:
            raise RuntimeError("the child fails")
        return real(source)

    monkeypatch.setattr(renderers, "_layout_and_write", only_here)
    assert renderers._in_child(html) is None
    data = renderers._weasyprint(html)
    assert "Organens rapporter" in PdfReader(io.BytesIO(data)).pages[0].extract_text()
    assert gc.isenabled()
