"""Charts tell the truth: nothing clipped, counts on whole numbers, status colours as the badges,
and a chart that would be mostly empty says so in words."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from etablera.web.charts import (
    STATUS_STYLES,
    bar_chart,
    line_chart,
    nice_ticks,
    text_width,
)
from etablera.web.tables import Cell

SVG = "{http://www.w3.org/2000/svg}"


def _texts(svg: str) -> tuple[float, float, list[tuple[float, float, str]]]:
    """The viewport and each text's horizontal extent, as the browser lays it out."""
    root = ET.fromstring(svg)  # noqa: S314 - markup this project wrote
    _x, _y, width, height = (float(v) for v in root.attrib["viewBox"].split())
    extents = []
    for text in root.iter(f"{SVG}text"):
        content = text.text or ""
        x = float(text.attrib["x"])
        w = text_width(content)
        anchor = text.attrib.get("text-anchor", "start")
        start = {"start": x, "middle": x - w / 2, "end": x - w}[anchor]
        extents.append((start, start + w, content))
    return width, height, extents


def _assert_inside(svg: str) -> None:
    width, _height, extents = _texts(svg)
    for start, end, content in extents:
        assert start >= -0.01 and end <= width + 0.01, f"{content!r} runs outside 0..{width}"


letters = st.characters(categories=["L", "N", "Zs"], max_codepoint=0x24F)
labels = st.text(alphabet=letters, min_size=1, max_size=60).filter(str.strip)
numbers = st.one_of(st.integers(0, 10**7), st.floats(0, 10**6, allow_nan=False))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(labels, min_size=1, max_size=6),
    st.lists(labels, min_size=1, max_size=5, unique=True),
    st.data(),
)
def test_no_bar_chart_text_leaves_the_viewport(categories, names, data):
    series = {
        name: data.draw(st.lists(numbers, min_size=len(categories), max_size=len(categories)))
        for name in names
    }
    _assert_inside(bar_chart("Titel", categories, series, unit=" %"))


@settings(max_examples=60, deadline=None)
@given(
    st.lists(st.text("0123456789TDH-åäö", min_size=1, max_size=12), min_size=1, max_size=12),
    st.lists(labels, min_size=1, max_size=5, unique=True),
    st.data(),
)
def test_no_line_chart_text_leaves_the_viewport(x_labels, names, data):
    series = {
        name: data.draw(st.lists(numbers, min_size=len(x_labels), max_size=len(x_labels)))
        for name in names
    }
    _assert_inside(line_chart("Titel", x_labels, series, unit=" dagar"))


def test_long_y_values_and_the_last_x_label_are_kept_whole():
    svg = line_chart(
        "Mediantid",
        ["2023", "2024", "2025H-utfall"],
        {"Mediantid i insats": [Cell(180.5), Cell(240.7), Cell(199.0)]},
        unit=" dagar",
    )
    _assert_inside(svg)
    assert "250 dagar" in svg or "300 dagar" in svg


def test_counts_get_whole_number_ticks():
    svg = line_chart("Deltagare", ["2024", "2025"], {"Aktiva": [Cell(3), Cell(336)]})
    ticks = re.findall(r'text-anchor="end" dominant-baseline="middle">([^<]+)<', svg)
    assert ticks and all("," not in t for t in ticks), ticks
    assert nice_ticks(0, 3, integer=True) == [0, 1, 2, 3]


def test_a_long_legend_wraps_instead_of_being_cut():
    names = [
        "Andel avslut till arbete eller studier",
        "Andel avslut till osubventionerat arbete",
        "Andel i arbete eller studier 90 dagar efter avslut",
    ]
    svg = line_chart("Andelar", ["2024", "2025"], {n: [1.0, 2.0] for n in names}, unit=" %")
    _assert_inside(svg)
    for name in names:
        assert f">{name}</text>" in svg
    legend_rows = {m for m in re.findall(r'<text x="[\d.]+" y="(\d+)">Andel', svg)}
    assert len(legend_rows) > 1


def test_a_mostly_suppressed_chart_says_so_in_words():
    hidden = Cell(None, suppressed=True)
    svg = bar_chart(
        "Per kategori", ["A", "B", "C"], {"Andel": [hidden, hidden, Cell(40.0)]}, unit=" %"
    )
    assert '<rect x="0.5"' in svg and "De flesta värdena döljs" in svg
    _assert_inside(svg)
    shown = bar_chart("Per kategori", ["A", "B"], {"Andel": [hidden, Cell(40.0)]}, unit=" %")
    assert "De flesta värdena döljs" not in shown


def test_status_bars_are_coloured_and_patterned_like_the_badges():
    order = ["met", "partly", "not_met", "not_assessed"]
    svg = bar_chart(
        "Bedömningar",
        ["SN"],
        {name: [2] for name in ("Uppfyllt", "Delvis", "Ej uppfyllt", "Ej bedömt")},
        styles=[STATUS_STYLES[key] for key in order],
    )
    assert STATUS_STYLES["met"].colour == "#17622b"  # --ok, as .badge--ok
    assert STATUS_STYLES["not_met"].colour == "#a4161a"  # --bad, as .badge--bad
    # Met is solid green; the others carry a pattern as well as their colour.
    assert 'fill="#17622b"' in svg
    assert svg.count("<pattern ") == 3
