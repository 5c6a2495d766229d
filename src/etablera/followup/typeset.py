"""The consolidated report's PDF, typeset by Typst.

``render(report) -> bytes`` turns a ``consolidated.ConsolidatedReport`` into a tagged PDF/UA-1
document: a table of contents with page numbers and links, running page numbers, PDF
bookmarks and named destinations from the headings, selectable text, and each chart a tagged
figure whose alternative text is the chart's, with its data table beside it.

Why Typst and not WeasyPrint (ADR 0005): WeasyPrint took 13–23 s to lay out the report of a
large municipality (30 bodies, 700 entries, 100 indicators: about 190 pages), and even the
same text with no styling at all took over 6 s; Typst typesets it in under a second.

How: ``document(report)`` walks the report in the order of the web page
(``followup/consolidated_content.html``) and writes it as plain data — a list of blocks
(part, heading, text, status, entry, table, chart) with every text translated and formatted
here. The Typst template ``followup/templates/followup/consolidated.typ`` lays it out
(``web.pdf``), so the template holds no wording of its own, and no text from the data is ever
read as Typst markup.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from django.utils.formats import date_format
from django.utils.timezone import localtime
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from etablera.web import pdf
from etablera.web.charts import FONT_SIZE
from etablera.web.tables import SUPPRESSED_EXPLANATION, Chart, Section, Table

from .consolidated import BodyPart, ConsolidatedReport, EntryBlock

TEMPLATE = Path(__file__).resolve().parent / "templates" / "followup" / "consolidated.typ"

Block = dict[str, Any]


_text = pdf.text


def _title(value: Any) -> str:
    """A heading's text; PDF/UA-1 allows no empty heading."""
    return _text(value).strip() or "–"


def _table(
    table: Table,
    *,
    share: float = 1.0,
    size: float = 9.0,
    least: float | None = None,
    dense: bool = False,
) -> Block:
    """A table; ``share`` of the text width it may take, ``size`` its type in points, never
    smaller than ``least`` (``SMALLEST_SIZE`` unless given); ``dense``: rows closer together
    (the summary's, which must share one page)."""
    least = SMALLEST_SIZE if least is None else least
    notes = [_text(table.note)] if table.note else []
    if table.has_suppressed:
        notes.append(str(SUPPRESSED_EXPLANATION))
    # Each cell: its text, whether it is a figure (set flush right), and its badge (a status
    # set in the status's colour, its text saying the same).
    rows = [
        [[_text(c), c.is_number or c.suppressed, c.badge or None] for c in row]
        for row in table.cells()
    ]
    # A column of figures has its heading flush right too.
    figures = [
        sum(1 for row in rows if i < len(row) and row[i][1]) * 2 > len(rows) > 0
        for i in range(len(table.columns))
    ]
    # A table needs at least one column to be a table.
    columns = [_text(column) for column in table.columns] or ["–"]
    if len(columns) > 6:
        size = max(least, size - 1)  # Wide tables in smaller type.
    line = TEXT_WIDTH_PT * share / (CHARACTER_EM * size)
    widths = _column_widths(columns, [[cell[0] for cell in row] for row in rows], line)
    if widths is not None and sum(widths) > line:
        # Not even each column's longest word fits across: smaller type, down to a limit.
        size = max(least, round(size * line / sum(widths), 1))
    return {
        "kind": "table",
        "caption": _text(table.caption),
        "columns": columns,
        "figures": figures,
        "size": size,
        "widths": widths,
        "rows": rows,
        "notes": notes,
        "dense": dense,
    }


#: The width of the text on an A4 page less two 18 mm margins, in points.
TEXT_WIDTH_PT = 493
#: The share of it a chart's data table has (below the chart, which has the whole width: a
#: chart beside its table printed its labels at 3.5 pt).
CHART_TABLE_SHARE = 1.0
#: The smallest type a printed chart may have, in points.
SMALLEST_CHART_TEXT_PT = 8.0
#: The width of an average character of DejaVu Sans, in ems (a little generous).
CHARACTER_EM = 0.6
#: The smallest type a table is set in, in points.
SMALLEST_SIZE = 7.0
#: A heading is bold: its characters are wider.
_BOLD = 1.2
#: A cell's padding on both sides, in characters.
_CELL_PADDING = 2


def _column_widths(columns: list[str], rows: list[list[str]], line: float) -> list[float] | None:
    """Relative column widths for a table too wide for the page, or None when it fits as is.

    Typst shares out a too-wide table's space fairly, which can squeeze a column of names
    below its longest word ("Kompetenskartläggning" running into the next cell). As a
    browser does, each column here gets at least its longest word and the rest of the line
    in proportion to how much more its longest text needs. Lengths are counted in characters
    (a heading's bold ones a fifth wider) against ``line``, the characters that fit across:
    close enough for DejaVu Sans, with no measuring.
    """
    least, most = [], []
    for i, heading in enumerate(columns):
        texts = [(heading, _BOLD)] + [(row[i], 1.0) for row in rows if i < len(row)]
        words = [len(w) * k for text, k in texts for w in text.split()] or [0.0]
        least.append(max(words) + _CELL_PADDING)
        most.append(max(len(text) * k for text, k in texts) + _CELL_PADDING)
    if sum(most) <= line:
        return None
    spare = line - sum(least)
    if spare <= 0:
        return [round(w, 1) for w in least]
    wanted = sum(m - w for m, w in zip(most, least, strict=True)) or 1.0
    return [round(w + (m - w) * spare / wanted, 1) for m, w in zip(most, least, strict=True)]


_SIZE = re.compile(r'viewBox="[-\d.]+ [-\d.]+ ([\d.]+) ([\d.]+)"')


def chart_text_pt(svg: str) -> float:
    """The size a chart's 12 px labels print at across the text width of an A4 page."""
    size = _SIZE.search(svg)
    width = float(size.group(1)) if size else 640.0
    height = float(size.group(2)) if size else 480.0
    scale = TEXT_WIDTH_PT / width
    # A chart taller than the page allows (225 mm) is scaled down to fit it.
    scale = min(scale, 225 / 25.4 * 72 / height)
    return FONT_SIZE * scale


def _chart(chart: Chart) -> Block:
    size = _SIZE.search(chart.svg)
    ratio = float(size.group(2)) / float(size.group(1)) if size else 0.75
    return {
        "kind": "chart",
        "svg": str(chart.svg),
        # PDF/UA-1 requires every figure to have an alternative text.
        "alt": _title(chart.alt or chart.table.caption),
        "ratio": ratio,
        "table": _table(
            chart.table, share=CHART_TABLE_SHARE, size=8.5, least=SMALLEST_CHART_TEXT_PT
        ),
    }


def _part(title: str, anchor: str) -> Block:
    return {"kind": "part", "title": _title(title), "anchor": anchor}


def _paragraphs(value: str) -> Block:
    paragraphs = [p.strip() for p in re.split(r"\n\s*\n", _text(value)) if p.strip()]
    return {"kind": "text", "paragraphs": paragraphs}


def _entry(entry: EntryBlock, labels: dict[str, str]) -> list[Block]:
    """An entry as on the page (``entry_block.html``): what it is, its assessment, the analysis,
    the planned measures and the indicators."""
    after = "."
    if entry.commissioned_by and entry.commissioned_by != entry.reporting_body:
        after += f" {labels['commissioned_by']} {entry.commissioned_by}."
    lines = [
        f"{labels['analysis']}: {entry.analysis or '–'}",
        f"{labels['measures']}: {entry.measures or '–'}",
    ]
    if entry.indicator_names:
        lines.append(f"{labels['indicators']}: {', '.join(entry.indicator_names)}")
    reference = None
    if entry.reported_under:
        # The commissioner's own follow-up: the mandate is reported by its performer.
        reference = {
            "before": _text(f"{labels['reported_under']} "),
            "target": _text(entry.reported_under),
            "anchor": entry.reported_under_anchor,
            "after": _text(f". {labels['own_follow_up']}"),
        }
    return [
        {
            "kind": "entry",
            "level": 4,
            "anchor": entry.anchor,
            "title": _title(entry.title),
            "lead": _text(f"{entry.kind_label}, {entry.policy_area}. {labels['assessment']}: "),
            "assessment": _text(entry.assessment_label),
            "after": _text(after),
            "lines": [_text(line) for line in lines],
            "reference": reference,
            "tables": [_table(t) for t in entry.tables],
        }
    ]


def _body(part: BodyPart, labels: dict[str, str]) -> list[Block]:
    rest = ""
    if part.decision:
        rest = " – " + _("godkänd genom %(decision)s") % {"decision": part.decision}
    blocks: list[Block] = [
        {"kind": "heading", "level": 3, "title": _title(part.title), "anchor": part.anchor},
        {
            "kind": "status",
            "badge": part.badge if part.status else None,
            "label": _text(part.status_label),
            "rest": _text(rest),
        },
    ]
    if part.summary:
        blocks.append(_paragraphs(part.summary))
    for entry in part.entries:
        blocks.extend(_entry(entry, labels))
    if part.indicator_table:
        blocks.append(_table(part.indicator_table))
    if part.references:
        blocks.append(
            {
                "kind": "heading",
                "level": 4,
                "title": _title(
                    _("Uppdrag som andra organ utför på uppdrag av %(body)s")
                    % {"body": part.short_name}
                ),
                "anchor": f"{part.anchor}-r7",
            }
        )
        blocks.append(
            {
                "kind": "help",
                "text": _(
                    "Utföraren redovisar uppdraget i sin egen rapport; här hänvisas dit eftersom "
                    "%(body)s är uppdragsgivare."
                )
                % {"body": part.short_name},
            }
        )
        # Reported once, in the performer's part; here a reference to it.
        blocks.append(
            {
                "kind": "references",
                "items": [
                    {
                        "title": _text(f"{entry.title}. {labels['reported_under']} "),
                        "target": _text(f"{entry.reporting_body_name} ({entry.reporting_body})"),
                        "anchor": entry.anchor,
                        "after": _text(f". {labels['assessment']}: {entry.assessment_label}."),
                    }
                    for entry in part.references
                ],
            }
        )
    if part.commissioned_table:
        blocks.append(_table(part.commissioned_table))
    return blocks


def _section_body(section: Section, *, charts_first: bool) -> list[Block]:
    blocks: list[Block] = []
    if section.intro:
        blocks.append(_paragraphs(section.intro))
    tables = [_table(t) for t in section.tables]
    charts = [_chart(c) for c in section.charts]
    blocks.extend([*charts, *tables] if charts_first else [*tables, *charts])
    return blocks


#: The type of the summary's tables, in points: small enough for the summary to fit its page,
#: never under the smallest printed size of a figure.
SUMMARY_SIZE = SMALLEST_CHART_TEXT_PT


def _summary(report: ConsolidatedReport) -> list[Block]:
    """The summary, on the first page under the title: its heading, intro and tables."""
    summary = report.summary
    blocks: list[Block] = [
        {"kind": "heading", "level": 2, "title": _title(summary.title), "anchor": summary.anchor}
    ]
    if summary.intro:
        blocks.append(_paragraphs(summary.intro))
    blocks.extend(
        _table(t, size=SUMMARY_SIZE, least=SUMMARY_SIZE, dense=True) for t in summary.tables
    )
    return blocks


def _blocks(report: ConsolidatedReport) -> list[Block]:
    """The report's content after the summary, in the order of ``consolidated_content.html``."""
    labels = report.labels
    blocks: list[Block] = []
    if report.assessments is not None:
        blocks.append(_part(report.assessments.title, report.assessments.anchor))
        blocks.extend(_section_body(report.assessments, charts_first=True))

    blocks.append(_part(_("Organens rapporter"), report.bodies_anchor))
    if not report.bodies:
        blocks.append(_paragraphs(_("Inga rapporter är inlämnade för perioden ännu.")))
    for part in report.bodies:
        blocks.extend(_body(part, labels))

    if report.indicators:
        blocks.append(_part(_("Indikatorer"), report.indicators_anchor))
        blocks.append(
            _paragraphs(
                _(
                    "Indikatorernas utfall för perioden och tidigare perioder av samma slag, "
                    "med årets målvärde. Värdena är de aktuella; rapporternas poster visar "
                    "värdena som de var vid inlämningen."
                )
            )
        )
        for section in report.indicators:
            blocks.append(
                {
                    "kind": "heading",
                    "level": 3,
                    "title": _title(section.title),
                    "anchor": section.anchor,
                }
            )
            blocks.extend(_section_body(section, charts_first=False))

    for section in report.contributed:
        blocks.append(_part(section.title, section.anchor))
        blocks.extend(_section_body(section, charts_first=True))
    return blocks


def document(report: ConsolidatedReport) -> dict[str, Any]:
    """Everything the PDF says, as data for the Typst template."""
    period = report.period
    meta = [
        report.municipality,
        _("Period %(code)s: %(range)s") % {"code": period.code, "range": period.range_label},
        _("Sammanställd %(at)s")
        % {"at": date_format(localtime(report.generated_at), "Y-m-d H:i", use_l10n=False)},
    ]
    return {
        "lang": (get_language() or "sv").split("-")[0],
        "title": _title(report.title),
        "author": report.municipality or "Etablera",
        "description": _(
            "Sammanställd uppföljning för %(period)s: organens rapporter, indikatorer och "
            "bedömningar."
        )
        % {"period": period.name},
        "keywords": [period.code],
        "meta": " · ".join(part for part in meta if part),
        "words": {
            "contents": _("Innehåll"),
            "page": _("Sida"),
            "of": _("av"),
            "no-data": _("Inga uppgifter."),
        },
        "summary": _summary(report),
        "blocks": _blocks(report),
    }


def render(report: ConsolidatedReport) -> bytes:
    """The report as a tagged PDF/UA-1 document."""
    return pdf.render(TEMPLATE, document(report), created=report.generated_at)
