"""The PDF's typesetting on reports built in memory: any text a reporter can write comes out as
that text, and odd shapes of report (nothing reported, a very tall chart) still typeset."""

from __future__ import annotations

import datetime
import io
import logging

import pytest
from django.utils import timezone
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from pypdf import PdfReader
from pypdf.generic import ContentStream

from etablera.followup import typeset
from etablera.followup.consolidated import BodyPart, ConsolidatedReport, EntryBlock
from etablera.followup.models import Period, PeriodKind
from etablera.web.charts import chart_with_table
from etablera.web.tables import Section, Table

LABELS = {
    "assessment": "Bedömning",
    "reported_by": "Rapporterat av",
    "commissioned_by": "Uppdrag från",
    "analysis": "Analys",
    "measures": "Planerade åtgärder",
    "indicators": "Indikatorer",
}


def _report(*, analysis: str = "Enligt plan.", bodies: int = 1, charts=()) -> ConsolidatedReport:
    period = Period(
        code="2025H",
        name="Helår 2025",
        kind=PeriodKind.ANNUAL,
        start=datetime.date(2025, 1, 1),
        end=datetime.date(2025, 12, 31),
        deadline=datetime.date(2026, 2, 15),
    )
    parts = [
        BodyPart(
            name=f"Nämnd {n}",
            short_name=f"N{n}",
            anchor=f"organ-{n}",
            status="approved",
            status_label="Godkänd",
            decision="KS 2026-03-01 § 2",
            summary="",
            entries=[
                EntryBlock(
                    pk=n,
                    title=f"Uppdrag {n}",
                    kind="mandate",
                    kind_label="Uppdrag",
                    policy_area="Arbete",
                    assessment="met",
                    assessment_label="Uppfyllt",
                    analysis=analysis,
                    measures="Fortsätta.",
                    reporting_body=f"N{n}",
                    reporting_body_name=f"Nämnd {n}",
                    commissioned_by="",
                )
            ],
        )
        for n in range(bodies)
    ]
    return ConsolidatedReport(
        period=period,
        title="Sammanställd uppföljning Helår 2025",
        generated_at=timezone.localtime().replace(microsecond=0),
        summary=Section(
            title="Sammanfattning",
            anchor="sammanfattning",
            intro="Inledning.",
            tables=[Table("Tom tabell", ["Organ", "Antal"], [])],
        ),
        assessments=(
            Section(title="Bedömningar i diagram", anchor="bedomningar", charts=list(charts))
            if charts
            else None
        ),
        bodies=parts,
        indicators=[],
        contributed=[],
        municipality="Provkommunen",
        labels=LABELS,
    )


def _text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return " ".join(" ".join(page.extract_text() for page in reader.pages).split())


# Letters, digits, punctuation and symbols of the Latin scripts, spaces and line breaks: what a
# reporter types. Typst's markup characters (# * _ $ < > @ [ ] = - + / \ `) are all in here.
written = st.text(
    st.characters(
        min_codepoint=0x20,
        max_codepoint=0x24F,
        categories=("L", "N", "P", "S", "Zs"),
    )
    | st.just("\n"),
    min_size=1,
    max_size=120,
).filter(lambda s: s.strip())


@pytest.mark.slow
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(analysis=written)
def test_whatever_a_reporter_writes_comes_out_as_written(analysis):
    report = _report(analysis=analysis)
    text = _text(typeset.render(report))
    assert " ".join(f"Analys: {analysis}".split()) in text


def test_a_period_without_reports_and_an_empty_table_still_typeset():
    report = _report(bodies=0)
    text = _text(typeset.render(report))
    assert "Sammanfattning" in text and "Organens rapporter" in text
    assert "Inga rapporter är inlämnade för perioden ännu." in text
    assert "Inga uppgifter." in text
    assert "Sida 1 av" in text


def test_a_chart_taller_than_a_page_is_scaled_to_fit_one():
    labels = [f"Organ {n:02}" for n in range(120)]
    chart = chart_with_table(
        "bar",
        "Poster per organ",
        labels,
        {"Uppfyllt": list(range(120))},
        label_heading="Organ",
        description="Antal poster per organ.",
    )
    report = _report(charts=[chart])
    block = next(b for b in typeset.document(report)["blocks"] if b["kind"] == "chart")
    assert block["ratio"] > 3  # far taller than wide
    reader = PdfReader(io.BytesIO(typeset.render(report)))
    # Every shape of every page lies between the page's top and bottom margins: the chart's
    # 120 bars are drawn whole on one page, none run off its foot.
    top, bottom = float(reader.pages[0].mediabox.height) - 20 * MM, 22 * MM
    heights = [y for page in reader.pages for y in _shape_heights(reader, page)]
    assert len(heights) > 240
    assert bottom - 1 <= min(heights) and max(heights) <= top + 1


MM = 72 / 25.4


def test_the_report_charts_print_no_text_under_8_pt():
    """Read from the PDF itself: every piece of text the charts and their tables set — the
    labels inside the SVG as well — is printed at 8 pt or larger."""
    charts = [
        chart_with_table(
            "bar",
            "Bedömningar per organ",
            ["KS", "SN", "BUN", "GVN", "KFN", "KF", "VBB", "MBN", "SBN", "ÖFN"],
            {
                "Uppfyllt": [1, 2, 3, 4, 1, 2, 3, 4, 5, 1],
                "Delvis uppfyllt": [0, 1, 2, 1, 0, 1, 2, 1, 0, 2],
                "Ej uppfyllt": [1, 0, 0, 1, 1, 0, 0, 1, 1, 0],
                "Ej bedömt": [0, 0, 0, 0, 0, 0, 0, 0, 0, 1],
            },
        ),
        chart_with_table(
            "line",
            "Genomsnittligt antal dagar med ekonomiskt bistånd, nyanlända hushåll, utveckling",
            ["2021H", "2022H", "2023H", "2024H", "2025H"],
            {
                "Totalt": [228.2, 231.0, 240.7, 219.5, 216.4],
                "Målvärde": [None, None, 220, 215, 210],
            },
            unit=" dagar",
        ),
    ]
    for chart in charts:
        assert typeset.chart_text_pt(chart.svg) >= typeset.SMALLEST_CHART_TEXT_PT
    report = _report(charts=charts)
    document = typeset.document(report)
    assert len([b for b in document["blocks"] if b["kind"] == "chart"]) == 2
    sizes = printed_text_sizes(typeset.render(report))
    chart_texts = {"KS", "ÖFN", "Uppfyllt", "Ej bedömt", "2021H", "2025H", "Målvärde"}
    assert chart_texts <= set(sizes)  # the SVG labels are text in the PDF, measured here
    too_small = {text: size for text, size in sizes.items() if size < 8.0}
    assert not too_small, too_small


def printed_text_sizes(data: bytes) -> dict[str, float]:
    """Every piece of text the PDF shows, with the smallest size (in points, on the page) it
    is printed at: the font size scaled by the text and the graphics matrices."""

    def times(a: list[float], b: list[float]) -> list[float]:
        return [a[0] * b[0] + a[1] * b[2], a[0] * b[1] + a[1] * b[3],
                a[2] * b[0] + a[3] * b[2], a[2] * b[1] + a[3] * b[3]]  # fmt: skip

    sizes: dict[str, float] = {}

    def visit(text, cm, tm, _font, size):
        text = text.strip()
        if not text:
            return
        m = times([float(v) for v in tm[:4]], [float(v) for v in cm[:4]])
        printed = float(size) * (m[2] ** 2 + m[3] ** 2) ** 0.5
        sizes[text] = min(printed, sizes.get(text, printed))

    for page in PdfReader(io.BytesIO(data)).pages:
        page.extract_text(visitor_text=visit)
    return sizes


def _shape_heights(reader: PdfReader, page) -> list[float]:
    """The height on the page of every point of every path the page draws."""

    def apply(m: list[float], ctm: list[float]) -> list[float]:
        a, b, c, d, e, f = m
        A, B, C, D, E, F = ctm
        return [a * A + b * C, a * B + b * D, c * A + d * C, c * B + d * D,
                e * A + f * C + E, e * B + f * D + F]  # fmt: skip

    ctm, stack, heights = [1.0, 0.0, 0.0, 1.0, 0.0, 0.0], [], []
    for operands, operator in ContentStream(page.get_contents(), reader).operations:
        numbers = [float(x) for x in operands] if operator in (b"cm", b"re", b"m", b"l") else []
        if operator == b"q":
            stack.append(ctm)
        elif operator == b"Q":
            ctm = stack.pop()
        elif operator == b"cm":
            ctm = apply(numbers, ctm)
        elif operator in (b"re", b"m", b"l"):
            x, y = numbers[0], numbers[1]
            points = [(x, y), (x, y + numbers[3])] if operator == b"re" else [(x, y)]
            heights += [ctm[1] * px + ctm[3] * py + ctm[5] for px, py in points]
    return heights


cell_text = st.text(st.sampled_from("abcdefghij åäö"), max_size=40)


# An empty heading once got a wider least width than its widest text: the widths ran over.
@example(
    columns=["", "", "aa", "aa", "aaa", "a" * 6, "a" * 7, "a" * 10, "a" * 14, "a" * 14 + " "],
    rows=[],
)
@given(
    columns=st.lists(cell_text, min_size=1, max_size=10),
    rows=st.lists(st.lists(cell_text, min_size=10, max_size=10), max_size=6),
)
def test_a_wide_table_gives_every_column_at_least_its_longest_word(columns, rows):
    line = 90.0
    widths = typeset._column_widths(columns, [row[: len(columns)] for row in rows], line)
    texts = [[c, *(row[i] for row in rows)] for i, c in enumerate(columns)]
    longest_text = [max(len(t) for t in col) for col in texts]
    if widths is None:
        # Left to its natural widths only when every column's longest text fits on the line.
        assert sum(n + 2 for n in longest_text) <= line
        return
    assert len(widths) == len(columns)
    longest_word = [max((len(w) for t in col for w in t.split()), default=0) for col in texts]
    assert all(w >= n for w, n in zip(widths, longest_word, strict=True))
    if sum(n * 1.2 + 2 for n in longest_word) < line:
        # Room to spare: the line is shared out in full.
        assert abs(sum(widths) - line) < len(columns) * 0.1 + 0.01


def _declared_ua(data: bytes) -> bool:
    root = PdfReader(io.BytesIO(data)).trailer["/Root"]
    assert root["/MarkInfo"]["/Marked"] and "/StructTreeRoot" in root  # tagged either way
    return "pdfuaid" in root["/Metadata"].get_object().get_data().decode("utf-8")


def _blank_title(report):
    report.bodies[0].entries[0].title = "   "


def _blank_body(report):
    report.bodies[0].name = report.bodies[0].short_name = ""


def _table_without_columns(report):
    report.summary.tables = [Table("", [], [])]


def _chart_without_alternative(report):
    chart = chart_with_table("bar", "Poster", ["A"], {"Antal": [1]}, label_heading="Organ")
    chart.alt = ""
    report.summary.charts = [chart]


@pytest.mark.parametrize(
    "change",
    [_blank_title, _blank_body, _table_without_columns, _chart_without_alternative],
)
def test_odd_shapes_of_report_still_make_a_pdf_ua_document(change):
    report = _report()
    change(report)
    assert _declared_ua(typeset.render(report))


def test_control_characters_are_left_out_and_the_rest_is_kept():
    report = _report(analysis="Före\x00\x0b\x1b\x7f efter\tflik")
    data = typeset.render(report)
    assert _declared_ua(data)
    assert "Analys: Före efter flik" in _text(data)


def test_text_no_font_can_show_still_makes_a_tagged_pdf(caplog):
    """Tigrinya, a language of many newly arrived, has no glyphs in DejaVu Sans."""
    report = _report(analysis="ሰላም ትግርኛ – och svenska.")
    with caplog.at_level(logging.WARNING, logger="etablera.web.pdf"):
        data = typeset.render(report)
    assert not _declared_ua(data)
    assert "PDF/UA-1" in caplog.text
    text = _text(data)
    assert "och svenska." in text and "Fortsätta." in text


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(analysis=st.text(max_size=60))
def test_any_text_at_all_makes_a_tagged_pdf(analysis):
    data = typeset.render(_report(analysis=analysis))
    assert data.startswith(b"%PDF")
    _declared_ua(data)
