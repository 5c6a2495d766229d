"""Template files for the import page: an empty CSV or Excel file with the accepted headers.

The headers are generated from the importer's own column definitions
(``importing.fields.PARTICIPANT_COLUMNS`` and ``ENROLMENT_COLUMNS``: the first, preferred name of
each column), so the templates cannot drift from what the import reads.
"""

from __future__ import annotations

import csv
import io

from openpyxl import Workbook
from openpyxl.styles import Font

from .importing import fields
from .models import ImportKind

COLUMNS: dict[str, dict[str, list[str]]] = {
    ImportKind.PARTICIPANTS: fields.PARTICIPANT_COLUMNS,
    ImportKind.ENROLMENTS: fields.ENROLMENT_COLUMNS,
}
FORMATS = ("csv", "xlsx")


def headers(kind: str) -> list[str]:
    """The template's header row: each column's preferred name, capitalised."""
    return [names[0][:1].upper() + names[0][1:] for names in COLUMNS[kind].values()]


def csv_bytes(kind: str) -> bytes:
    """UTF-8 with a byte order mark and semicolons, as Excel in Sweden opens and saves it."""
    out = io.StringIO()
    csv.writer(out, delimiter=";", lineterminator="\r\n").writerow(headers(kind))
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def xlsx_bytes(kind: str) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = str(ImportKind(kind).label)
    for column, heading in enumerate(headers(kind), start=1):
        cell = sheet.cell(row=1, column=column, value=heading)
        cell.font = Font(bold=True)
        sheet.column_dimensions[cell.column_letter].width = max(12, len(heading) + 2)
    sheet.freeze_panes = "A2"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
