"""Tables and report sections: one description of a figure, rendered as HTML, PDF and Excel.

A report, a dashboard or an export builds ``Table`` and ``Section`` objects once; each format
renders the same objects, so the page, the PDF and the workbook cannot say different things.
A suppressed cell (disclosure control) is a ``Cell`` with ``suppressed=True``: every renderer
shows the suppression symbol and never the value.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any

from django.utils.translation import gettext_lazy as _

from .text_input import CONTROL_CHARACTERS

#: Shown instead of a suppressed value, in every format.
SUPPRESSED_SYMBOL = ".."
SUPPRESSED_EXPLANATION = _(
    "”..” betyder att uppgiften döljs för att ingen enskild person ska kunna pekas ut "
    "(för få personer i gruppen)."
)

#: Characters no export may carry: XML (Excel) cannot hold them, and a spreadsheet may act on
#: them. Input refuses them (``web.text_input``); what might still be stored is left out here.
_CONTROL = CONTROL_CHARACTERS
#: A cell starting with one of these is run as a formula by Excel and LibreOffice.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def safe_text(value: Any) -> Any:
    """Text made safe for every export: control characters left out, and a leading character
    that would make a spreadsheet run it as a formula (CSV/Excel injection) neutralised with
    an apostrophe. Values that are not text are returned as they are."""
    if not isinstance(value, str):
        return value
    value = _CONTROL.sub("", value)
    return "'" + value if value[:1] in _FORMULA_START else value


class SafeCSVWriter:
    """``csv.writer`` that passes every text value through :func:`safe_text`: every CSV file
    the system writes is made by one of these."""

    def __init__(self, out: IO[str], **options: Any) -> None:
        self._writer = csv.writer(out, **options)

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([safe_text(v) for v in row])

    def writerows(self, rows: Iterable[Iterable[Any]]) -> None:
        for row in rows:
            self.writerow(row)


@dataclass
class Cell:
    """A value with its display text; ``suppressed`` hides the value everywhere."""

    value: Any = None
    display: str | None = None
    suppressed: bool = False
    note: str = ""
    #: A status the cell shows as a badge of that colour ("ok", "warn", "bad", "muted"):
    #: the cell's text still says it, so colour is never alone.
    badge: str = ""

    def __str__(self) -> str:
        if self.suppressed:
            return SUPPRESSED_SYMBOL
        if self.display is not None:
            return self.display
        return format_value(self.value)

    @property
    def is_number(self) -> bool:
        return not self.suppressed and isinstance(self.value, int | float | Decimal)

    @property
    def export_value(self) -> Any:
        """What a spreadsheet cell holds: the number, the text, or the suppression symbol."""
        if self.suppressed:
            return SUPPRESSED_SYMBOL
        if isinstance(self.value, Decimal):
            return float(self.value)
        return self.value if self.value is not None else ""


def format_value(value: Any) -> str:
    """Swedish number formatting: a space between thousands, a comma before decimals."""
    if value is None:
        return "–"
    if isinstance(value, bool):
        return str(_("Ja") if value else _("Nej"))
    if isinstance(value, int):
        return f"{value:,}".replace(",", "\u00a0")
    if isinstance(value, float | Decimal):
        text = f"{float(value):,.1f}"
        return text.replace(",", "\u00a0").replace(".", ",")
    return str(value)


def cell(value: Any) -> Cell:
    return value if isinstance(value, Cell) else Cell(value)


@dataclass
class Table:
    """A table with a caption, column headings and rows of values or ``Cell``s.

    ``row_headers``: the first column names the row (rendered as ``<th scope="row">``).
    """

    caption: str
    columns: list[str]
    rows: list[list[Any]]
    note: str = ""
    row_headers: bool = True

    def cells(self) -> list[list[Cell]]:
        return [[cell(v) for v in row] for row in self.rows]

    @property
    def has_suppressed(self) -> bool:
        return any(isinstance(v, Cell) and v.suppressed for row in self.rows for v in row)


@dataclass
class Chart:
    """An SVG chart (see ``web.charts``) with its data table and a text alternative."""

    svg: str
    table: Table
    alt: str


@dataclass
class Section:
    """A titled part of a report: text, tables and charts, in the order given."""

    title: str
    intro: str = ""
    tables: list[Table] = field(default_factory=list)
    charts: list[Chart] = field(default_factory=list)
    order: int = 100
    anchor: str = ""


def _csv_value(cell: Any, swedish: bool) -> str:
    if isinstance(cell, Cell):
        if cell.suppressed:
            return SUPPRESSED_SYMBOL
        value = cell.value
    else:
        value = cell
    if value is None:
        return ""
    if isinstance(value, float | Decimal):
        text = f"{float(value):.1f}"
        return text.replace(".", ",") if swedish else text
    return safe_text(str(value))


def csv_text(tables: Iterable[Table], *, swedish: bool = False) -> str:
    """Tables one below the other: caption, headings, rows and the table's note; then what ".."
    means.

    ``swedish`` writes for a Swedish spreadsheet (semicolons, decimal commas); otherwise commas
    and decimal points, for programs.
    """
    out = io.StringIO()
    writer = SafeCSVWriter(out, delimiter=";" if swedish else ",", lineterminator="\n")
    hidden = False
    for index, table in enumerate(tables):
        if index:
            writer.writerow([])
        writer.writerow([safe_text(str(table.caption))])
        writer.writerow([safe_text(str(c)) for c in table.columns])
        for row in table.rows:
            writer.writerow([_csv_value(c, swedish) for c in row])
        if table.note:
            writer.writerow([safe_text(str(table.note))])
        hidden = hidden or table.has_suppressed
    if hidden:
        writer.writerow([])
        writer.writerow([str(SUPPRESSED_EXPLANATION)])
    return out.getvalue()
