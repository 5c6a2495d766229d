"""The consolidated report in three formats: a web page, a PDF and an Excel workbook.

All three render the same ``consolidated.ConsolidatedReport``; the page and the PDF share one
template (``followup/consolidated_content.html``), so they cannot say different things.

The PDF is made by WeasyPrint from a print document with a table of contents (with page
numbers), running page numbers, selectable text and PDF bookmarks from the headings. It is
tagged as PDF/UA-1 (``pdf_variant="pdf/ua-1"``): structure tags from the HTML, the document
language, title and metadata; charts keep their data tables next to them as real text.
The print document passes leaner versions of the shared includes (``PRINT_TEMPLATES``): the
same content in fewer boxes, each chart an image with its text alternative, tables with row
rules instead of collapsed cell borders.

Laying out a large report still takes WeasyPrint many seconds (see docs/performance.md), so
a rendered PDF is kept under ``VAR_DIR/cache/followup/``, named by a hash of the exact HTML it
was made from (without the compilation time). Any change to what the report says — a text, a
value, a status, another app's section, the reader's scope — changes the HTML and so the name:
a cached PDF is never stale, only reused while the content is the same.
"""

from __future__ import annotations

import gc
import hashlib
import os
import re
import tempfile
import threading
from io import BytesIO
from pathlib import Path
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from etablera.web.tables import Table
from etablera.web.xlsx import safe_text, write_table

from .consolidated import ConsolidatedReport

PDF_TYPE = "application/pdf"
PDF_VARIANT = "pdf/ua-1"


def filename(report: ConsolidatedReport, extension: str) -> str:
    return f"uppfoljning-{report.period.code.lower()}.{extension}"


#: The PDF's versions of the shared includes: the same content in fewer boxes (no scrolling
#: regions, one paragraph per entry), which WeasyPrint lays out and tags faster.
PRINT_TEMPLATES = {
    "table_template": "followup/table_print.html",
    "chart_template": "followup/chart_print.html",
    "entry_template": "followup/entry_print.html",
}


def render_document(report: ConsolidatedReport, *, pdf: bool = False) -> str:
    """The report as one standalone HTML document (also the PDF's source)."""
    context: dict[str, Any] = {"report": report, "pdf": pdf}
    if pdf:
        context.update(PRINT_TEMPLATES)
    return render_to_string("followup/consolidated_document.html", context)


def _page_references(pdf: Any) -> tuple[bytes, ...]:
    """``pydyf.PDF.page_references``, built once per page count instead of on every call.

    WeasyPrint asks for it for every tagged element and link; pydyf builds the tuple of all
    pages each time, which makes tagging a long report quadratic in its pages. Pages are only
    ever appended, so the page count says whether the tuple is still right.
    """
    kids = pdf.pages["Kids"]
    cached = pdf.__dict__.get("_etablera_page_references")
    if cached is None or cached[0] != len(kids):
        cached = (len(kids), tuple(f"{number} 0 R".encode("ascii") for number in kids[::3]))
        pdf.__dict__["_etablera_page_references"] = cached
    return cached[1]


def _install_page_references() -> None:
    import pydyf

    if not isinstance(pydyf.PDF.__dict__.get("page_references"), property):
        return  # Not the pydyf this was written for: leave it alone.
    if pydyf.PDF.page_references.fget is not _page_references:
        pydyf.PDF.page_references = property(_page_references)  # type: ignore[method-assign,assignment]


def _layout_and_write(html: str) -> bytes:
    """WeasyPrint, with Python's cyclic garbage collector paused.

    Laying out a long report creates millions of objects that live until the PDF is written;
    the collector would scan them again and again while they grow (a quarter of the time on a
    200-page report) and find almost nothing to free. It runs once afterwards instead, or not
    at all in a child process that exits (``_in_child``).
    """
    from weasyprint import HTML

    _install_page_references()
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        document = HTML(string=html, base_url=None).render(pdf_tags=True)
        return bytes(
            document.write_pdf(pdf_variant=PDF_VARIANT, pdf_tags=True, custom_metadata=True)
        )
    finally:
        if was_enabled:
            gc.enable()


def _in_child(html: str) -> bytes | None:
    """Render in a forked child process, or None when that is not possible here.

    The child inherits the loaded fonts and libraries, renders, hands the PDF back through a
    pipe and exits: its memory (several hundred MB for a long report) and its garbage go with
    it instead of staying in the web worker. Only a single-threaded process forks (another
    thread could hold a lock the child would then wait for forever), and only where the
    operating system forks at all.
    """
    if not hasattr(os, "fork") or threading.active_count() > 1:
        return None
    read_end, write_end = os.pipe()
    try:
        pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return None
    if pid == 0:  # The child: never returns into the caller's code.
        status = 1
        try:
            os.close(read_end)
            data = _layout_and_write(html)
            with os.fdopen(write_end, "wb") as out:
                out.write(data)
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with os.fdopen(read_end, "rb") as pipe:
        data = pipe.read()
    _, status = os.waitpid(pid, 0)
    if os.waitstatus_to_exitcode(status) != 0 or not data.startswith(b"%PDF"):
        return None
    return data


def _weasyprint(html: str) -> bytes:
    data = _in_child(html)
    if data is None:
        # No fork here, or the child failed: render in this process (and so see any error).
        data = _layout_and_write(html)
        gc.collect()
    return data


_CHART_IDS = re.compile(r"chart\d+")

#: How many rendered PDFs the cache keeps (the oldest go first).
CACHE_SIZE = 40


def _cache_dir() -> Path:
    return Path(settings.VAR_DIR) / "cache" / "followup"


def content_key(report: ConsolidatedReport, html: str) -> str:
    """A hash of what the PDF says: the HTML without the moment it was compiled."""
    stamps = (
        f"{report.generated_at:%Y-%m-%d %H:%M}",
        report.generated_at.isoformat(),
    )
    for stamp in stamps:
        html = html.replace(stamp, "")
    # Chart element ids come from a process-wide counter; they say nothing about the content.
    html = _CHART_IDS.sub("chart", html)
    return hashlib.sha256(html.encode("utf-8")).hexdigest()


def render_pdf(report: ConsolidatedReport, *, cache: bool = True) -> bytes:
    """The report as a tagged PDF with a table of contents and page numbers."""
    html = render_document(report, pdf=True)
    if not cache:
        return _weasyprint(html)
    folder = _cache_dir()
    path = folder / f"{content_key(report, html)}.pdf"
    try:
        return path.read_bytes()
    except FileNotFoundError:
        pass
    data = _weasyprint(html)
    try:
        folder.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=folder, suffix=".part", delete=False) as tmp:
            tmp.write(data)
        os.replace(tmp.name, path)
        kept = sorted(folder.glob("*.pdf"), key=lambda p: p.stat().st_mtime, reverse=True)
        for old in kept[CACHE_SIZE:]:
            old.unlink(missing_ok=True)
    except OSError:
        # A read-only or full disk costs speed, never the answer.
        pass
    return data


# --- Excel ---------------------------------------------------------------------------------

_BOLD = Font(bold=True)
_TITLE = Font(bold=True, size=14)


class _Sheets:
    """Sheet names are unique and at most 31 characters; Excel refuses some characters."""

    def __init__(self, workbook: Workbook) -> None:
        self.workbook = workbook
        self.used: set[str] = set()

    def new(self, title: str):
        clean = "".join(ch for ch in str(title) if ch not in "[]:*?/\\").strip() or "Blad"
        name, n = clean[:31], 2
        while name.lower() in self.used:
            suffix = f" ({n})"
            name, n = clean[: 31 - len(suffix)] + suffix, n + 1
        self.used.add(name.lower())
        return self.workbook.create_sheet(title=name)


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
            _("Rapportens status"),
        ],
        rows=rows,
    )


def _commissioned_table(report: ConsolidatedReport) -> Table | None:
    rows = [
        [part.short_name, entry.reporting_body, entry.title, entry.assessment_label, entry.analysis]
        for part in report.bodies
        for entry in part.commissioned
    ]
    if not rows:
        return None
    return Table(
        caption=_("Uppdrag som utförs på annat organs uppdrag (uppdragsgivarens vy)"),
        columns=[_("Uppdragsgivare"), _("Utförare"), _("Uppdrag"), _("Bedömning"), _("Analys")],
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
    _write_tables(sheet, row, [chart.table for chart in summary.charts])

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
