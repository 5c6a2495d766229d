"""What a source file becomes: a header and a stream of rows; what stops a file as a whole."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings


class FileProblem(Exception):
    """The file as a whole cannot be read; ``message`` is for the user (Swedish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Formula(str):
    """A cell that holds a formula: refused, because its value is not in the file for sure."""


@dataclass
class Table:
    """The header and a stream of ``(row_number, values)``; row numbers as the user sees them."""

    header: list[str]
    rows: Iterator[tuple[int, list[Any]]]
    format: str
    encoding: str = ""
    delimiter: str = ""
    #: How far the reading has come, for a progress bar: a function returning (done, total).
    progress: Any = None
    #: Roughly how many rows the file has (from its size), or None.
    estimated_rows: int | None = None
    notes: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class ImportLimits:
    """How much a file may unpack to and hold, checked while it is read (before memory grows).

    A workbook is a zip: a 1 MB upload can unpack to gigabytes, so the upload limit alone
    says nothing. The defaults hold a million-row import with room to spare; every one is a
    setting (``ETABLERA_IMPORT_*``).
    """

    #: All members of a workbook together, unpacked.
    unpacked_bytes: int = 512 * 1024 * 1024
    #: Unpacked size over packed size, for members above ``RATIO_FROM`` bytes.
    ratio: int = 200
    members: int = 1000
    shared_strings: int = 2_000_000
    #: The shared-string table, unpacked (openpyxl holds it all in memory).
    shared_strings_bytes: int = 128 * 1024 * 1024
    #: Any other part but a worksheet (styles, workbook, relations: parsed whole by openpyxl).
    part_bytes: int = 32 * 1024 * 1024
    #: Excel's own limit on the characters of one cell (and the CSV reader's field limit).
    cell_chars: int = 32_767
    columns: int = 702  # A … ZZ
    #: Cells read from the sheet, counting the empty ones a row is padded with.
    cells: int = 30_000_000
    header_chars: int = 64 * 1024

    RATIO_FROM = 1024 * 1024

    @classmethod
    def from_settings(cls) -> ImportLimits:
        return cls(
            unpacked_bytes=settings.ETABLERA_IMPORT_MAX_UNPACKED_MB * 1024 * 1024,
            ratio=settings.ETABLERA_IMPORT_MAX_RATIO,
            shared_strings=settings.ETABLERA_IMPORT_MAX_SHARED_STRINGS,
            cells=settings.ETABLERA_IMPORT_MAX_CELLS,
            columns=settings.ETABLERA_IMPORT_MAX_COLUMNS,
        )
