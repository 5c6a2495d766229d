"""The consolidated report in three formats: a web page, a PDF and an Excel workbook.

All three render the same ``consolidated.ConsolidatedReport``. The page (and the standalone
HTML document) use the template ``followup/consolidated_content.html``; the PDF is typeset
by Typst from the same report (``followup.typeset``); the workbook is written here with
openpyxl. The tests open the PDF and the workbook and check that they say what the page says.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from etablera.web.tables import Table
from etablera.web.xlsx import safe_text, sheet_title, write_table

from . import typeset
from .consolidated import ConsolidatedReport

PDF_TYPE = "application/pdf"


def filename(report: ConsolidatedReport, extension: str) -> str:
    return f"uppfoljning-{report.period.code.lower()}.{extension}"


def render_document(report: ConsolidatedReport) -> str:
    """The report as one standalone HTML document (``etablera report --format html``)."""
    return render_to_string("followup/consolidated_document.html", {"report": report})


def render_pdf(report: ConsolidatedReport) -> bytes:
    """The report as a tagged PDF/UA-1 document with a table of contents and page numbers."""
    return typeset.render(report)


# --- Excel ---------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


class _Sheets:
    """Sheets with names that are unique, accepted by Excel and still meaningful."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.used: set[str] = set()

    def new(self, title: str):
        return self.workbook.create_sheet(title=sheet_title(str(title), self.used))


def _heading(sheet, row: int, text: str, intro: str = "") -> int:
    sheet.cell(row=row, column=1, value=safe_text(str(text))).font = _TITLE
    row += 1
    if intro:
        cell = sheet.cell(row=row, column=1, value=safe_text(str(intro)))
        cell.alignment = Alignment(wrap_text=False)
        row += 1
    return row + 1


def _write_tables(sheet, row: int, tables: list[Table]) -> int:
    for table in tables:
        row = write_table(sheet, table, row)
    return row


def _entries_table(report: ConsolidatedReport) -> Table:
    rows: list[list[Any]] = []
    for part, entry in report.all_entries():
        rows.append(
            [
                part.short_name,
                entry.kind_label,
                entry.title,
                entry.policy_area,
                entry.assessment_label,
                entry.analysis,
                entry.measures,
                entry.commissioned_by or "–",
                entry.reported_under or "–",
                part.status_label,
            ]
        )
    return Table(
        caption=_("Organens poster, %(code)s") % {"code": report.period.code},
        columns=[
            _("Organ"),
            _("Avser"),
            _("Rubrik"),
            _("Politikområde"),
            _("Bedömning"),
            _("Analys"),
            _("Planerade åtgärder"),
            _("Uppdragsgivare"),
            _("Redovisas under"),
            _("Rapportens status"),
        ],
        rows=rows,
    )


def _commissioned_table(report: ConsolidatedReport) -> Table | None:
    """Each commissioned mandate by its commissioner, and where it is reported: the entry in
    full is in the performer's rows of the entries' table, once."""
    rows = [
        [
            part.short_name,
            entry.title,
            f"{entry.reporting_body_name} ({entry.reporting_body})",
            entry.assessment_label,
        ]
        for part in report.bodies
        for entry in part.commissioned
    ]
    if not rows:
        return None
    return Table(
        caption=_("Uppdrag som utförs på annat organs uppdrag (uppdragsgivarens vy)"),
        columns=[_("Uppdragsgivare"), _("Uppdrag"), _("Redovisas under"), _("Bedömning")],
        rows=rows,
    )


def build_workbook(report: ConsolidatedReport) -> Workbook:
    """One sheet per part: summary, entries, the entries' indicators, indicators per policy
    area, the charts' data, and each contributed section."""
    workbook = Workbook()
    for blank in list(workbook.worksheets):
        workbook.remove(blank)
    workbook.properties.title = report.title
    workbook.properties.creator = report.municipality or "Etablera"
    sheets = _Sheets(workbook)

    summary = report.summary
    sheet = sheets.new(summary.title)
    row = _heading(sheet, 1, report.title, summary.intro)
    row = _write_tables(sheet, row, summary.tables)
    if report.assessments is not None:
        # The charts' tables after the summary's, as on the page.
        _write_tables(sheet, row, [chart.table for chart in report.assessments.charts])

    sheet = sheets.new(_("Organens rapporter"))
    row = _heading(sheet, 1, _("Organens rapporter"))
    tables = [_entries_table(report)]
    commissioned = _commissioned_table(report)
    if commissioned is not None:
        tables.append(commissioned)
    _write_tables(sheet, row, tables)
    sheet.column_dimensions["C"].width = 40
    sheet.column_dimensions["F"].width = 60
    sheet.column_dimensions["G"].width = 40

    body_tables = [
        table
        for part in report.bodies
        for table in (part.indicator_table, part.commissioned_table)
        if table is not None
    ]
    extra_tables = [
        Table(
            caption=f"{part.short_name}: {entry.title} – {table.caption}",
            columns=table.columns,
            rows=table.rows,
            note=table.note,
        )
        for part, entry in report.all_entries()
        for table in entry.tables
    ]
    if body_tables or extra_tables:
        sheet = sheets.new(_("Rapporternas indikatorer"))
        row = _heading(
            sheet,
            1,
            _("Rapporternas indikatorer"),
            _("Värdena som de var när rapporterna lämnades in."),
        )
        _write_tables(sheet, row, [*body_tables, *extra_tables])

    if report.indicators:
        sheet = sheets.new(_("Indikatorer"))
        row = _heading(sheet, 1, _("Indikatorer"))
        for section in report.indicators:
            row = _heading(sheet, row, section.title, section.intro)
            row = _write_tables(sheet, row, section.tables)
        sheet.column_dimensions["A"].width = 50
        chart_tables = [chart.table for section in report.indicators for chart in section.charts]
        if chart_tables:
            sheet = sheets.new(_("Diagramdata"))
            row = _heading(sheet, 1, _("Diagramdata"), _("Tabellerna bakom rapportens diagram."))
            _write_tables(sheet, row, chart_tables)

    for section in report.contributed:
        sheet = sheets.new(section.title)
        row = _heading(sheet, 1, section.title, section.intro)
        row = _write_tables(sheet, row, [chart.table for chart in section.charts])
        _write_tables(sheet, row, section.tables)
    return workbook


def render_xlsx(report: ConsolidatedReport) -> bytes:
    buffer = BytesIO()
    build_workbook(report).save(buffer)
    return buffer.getvalue()
