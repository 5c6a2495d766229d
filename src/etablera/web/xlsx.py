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
            sheet.cell(row=row, column=col, value=value)
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


def tables_workbook(sheets: dict[str, list[Table]]) -> Workbook:
    """A workbook with one sheet per name (at most 31 characters), its tables one below another."""
    workbook = Workbook()
    for sheet in list(workbook.worksheets):
        workbook.remove(sheet)
    for name, tables in sheets.items():
        sheet = workbook.create_sheet(title=name[:31])
        row = 1
        for table in tables:
            row = write_table(sheet, table, row)
    return workbook
