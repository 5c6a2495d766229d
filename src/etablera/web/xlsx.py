"""Writing ``web.tables`` objects into Excel workbooks (openpyxl), the same as the pages show."""

from __future__ import annotations

from io import BytesIO

from django.http import HttpResponse
from openpyxl import Workbook
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from .tables import SUPPRESSED_EXPLANATION, Table, safe_text

__all__ = ["XLSX_TYPE", "safe_text", "tables_workbook", "workbook_response", "write_table"]

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
_BOLD = Font(bold=True)
#: A cell with a status badge in the badge's colour (as on the page and in the PDF), bold; its
#: text says the status too.
BADGE_FONTS = {
    "ok": Font(bold=True, color="17622B"),
    "warn": Font(bold=True, color="7A4B00"),
    "bad": Font(bold=True, color="A4161A"),
    "info": Font(bold=True, color="0B4F8A"),
    "muted": Font(bold=True, color="4A4A4A"),
}


def write_table(sheet: Worksheet, table: Table, start_row: int = 1) -> int:
    """Write ``table`` from ``start_row``; return the next free row."""
    row = start_row
    sheet.cell(row=row, column=1, value=safe_text(str(table.caption))).font = _BOLD
    row += 1
    for col, heading in enumerate(table.columns, start=1):
        sheet.cell(row=row, column=col, value=safe_text(str(heading))).font = _BOLD
    row += 1
    for values in table.cells():
        for col, c in enumerate(values, start=1):
            value = c.export_value if c.is_number or c.suppressed else safe_text(str(c))
            written = sheet.cell(row=row, column=col, value=value)
            if c.badge in BADGE_FONTS:
                written.font = BADGE_FONTS[c.badge]
        row += 1
    if table.note:
        sheet.cell(row=row, column=1, value=safe_text(str(table.note)))
        row += 1
    if table.has_suppressed:
        sheet.cell(row=row, column=1, value=str(SUPPRESSED_EXPLANATION))
        row += 1
    for col in range(1, len(table.columns) + 1):
        letter = get_column_letter(col)
        sheet.column_dimensions[letter].width = max(sheet.column_dimensions[letter].width or 0, 14)
    return row + 1


def workbook_response(workbook: Workbook, filename: str) -> HttpResponse:
    buffer = BytesIO()
    workbook.save(buffer)
    response = HttpResponse(buffer.getvalue(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


#: Excel's longest sheet name, and the characters it refuses in one.
SHEET_NAME_LENGTH = 31
_REFUSED = set("[]:*?/\\")
#: Where a title may be shortened: the words after these are a qualification (a period, a
#: scope, an explanation) that the sheet's own heading repeats in full.
_CLAUSE_BREAKS = (": ", " – ", ", ", " (")


def sheet_title(title: str, used: set[str]) -> str:
    """A sheet name Excel accepts that still says what the sheet holds.

    Excel allows 31 characters. Rather than cutting a title in the middle of a word
    ("Andel avslut till osubver"), this keeps its leading clauses while they fit, then whole
    words with an ellipsis; a name already in ``used`` (case-insensitively) gets a number.
    ``used`` is updated.
    """
    clean = " ".join("".join(ch for ch in str(title) if ch not in _REFUSED).split()) or "Blad"
    name = _shorten(clean, SHEET_NAME_LENGTH)
    n = 2
    while name.lower() in used:
        suffix = f" {n}"
        name = _shorten(clean, SHEET_NAME_LENGTH - len(suffix)) + suffix
        n += 1
    used.add(name.lower())
    return name


def _shorten(text: str, length: int) -> str:
    if len(text) <= length:
        return text
    enough = length * 2 // 3  # a shortening that keeps less than this says too little
    cuts = [i for sep in _CLAUSE_BREAKS for i in _find_all(text, sep) if enough <= i <= length]
    if cuts:
        return text[: max(cuts)].rstrip(" ,–:")
    words = text[: length - 1].rsplit(" ", 1)[0]
    head = words if len(words) >= enough else text[: length - 1]
    return head.rstrip(" ,–:") + "…"


def _find_all(text: str, sep: str) -> list[int]:
    found, start = [], 0
    while (i := text.find(sep, start)) >= 0:
        found.append(i)
        start = i + 1
    return found


def tables_workbook(sheets: dict[str, list[Table]]) -> Workbook:
    """A workbook with one sheet per name (see ``sheet_title``), its tables one below another."""
    workbook = Workbook()
    for sheet in list(workbook.worksheets):
        workbook.remove(sheet)
    used: set[str] = set()
    for name, tables in sheets.items():
        sheet = workbook.create_sheet(title=sheet_title(name, used))
        row = 1
        for table in tables:
            row = write_table(sheet, table, row)
    return workbook
