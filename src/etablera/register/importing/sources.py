"""Reading the rows of an import file: CSV (any of three encodings, three delimiters) or XLSX.

Everything streams: a CSV is decoded and split as it is read, an Excel sheet is read with
openpyxl in read-only mode. Problems with the file as a whole (not a text file, truncated,
formulas, merged cells) raise :class:`FileProblem` with a Swedish message; problems with a
single cell are the row validators' business.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from typing import IO, Any

from django.utils.translation import gettext as _

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
DELIMITERS = (";", ",", "\t")
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")


class FileProblem(Exception):
    """The file as a whole cannot be read; ``message`` is for the user (Swedish)."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


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


def _detect_encoding(raw: IO[bytes]) -> str:
    """``utf-8-sig`` (BOM), ``utf-8`` if the whole file decodes as UTF-8, else ``cp1252``.

    The whole file is checked (fast: the decoder is C) so that a Windows-1252 character deep
    in a file that began in plain ASCII is not read wrongly.
    """
    raw.seek(0)
    head = raw.read(3)
    encoding = "utf-8-sig" if head == codecs.BOM_UTF8 else "utf-8"
    raw.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        if encoding == "utf-8-sig":
            raise FileProblem(
                _("Filen börjar som UTF-8 men innehåller tecken som inte är UTF-8.")
            ) from None
        encoding = "cp1252"
    raw.seek(0)
    return encoding


class _TextView(io.TextIOWrapper):
    """A text view of the caller's binary file that leaves the file open when it is closed or
    collected (a plain TextIOWrapper closes what it wraps)."""

    def close(self) -> None:
        with contextlib.suppress(ValueError):  # already detached
            self.detach()


def _choose_delimiter(header_line: str) -> str:
    counts = {d: len(next(csv.reader([header_line], delimiter=d))) for d in DELIMITERS}
    best = max(DELIMITERS, key=lambda d: counts[d])
    if counts[best] < 2:
        raise FileProblem(
            _(
                "Rubrikraden har bara en kolumn. Avgränsa kolumnerna med semikolon, "
                "komma eller tabb."
            )
        )
    return best


def _looks_binary(sample: bytes) -> bool:
    if b"\x00" in sample:
        return True
    controls = sum(1 for b in sample if b < 9 or 13 < b < 32)
    return bool(sample) and controls / len(sample) > 0.01


def open_csv(raw: IO[bytes]) -> Table:
    raw.seek(0)
    sample = raw.read(SAMPLE)
    if not sample.strip():
        raise FileProblem(_("Filen är tom."))
    if _looks_binary(sample):
        raise FileProblem(
            _("Filen är inte en textfil. Spara den som CSV (semikolonavgränsad) eller xlsx.")
        )
    encoding = _detect_encoding(raw)
    try:
        total = raw.seek(0, io.SEEK_END)
        raw.seek(0)
    except (OSError, ValueError):
        total = 0
    text = _TextView(raw, encoding=encoding, newline="")
    first = text.readline()
    header_line = first.rstrip("\r\n")
    delimiter = _choose_delimiter(header_line)
    header = next(csv.reader([header_line], delimiter=delimiter))

    def rows() -> Iterator[tuple[int, list[Any]]]:
        reader = csv.reader(text, delimiter=delimiter, strict=True)
        number = 1
        try:
            for values in reader:
                number = reader.line_num + 1
                if values and any(values):
                    yield number, values
        except csv.Error as exc:
            raise FileProblem(
                _(
                    "Filen går inte att läsa efter rad %(row)s: ett citattecken stängs aldrig "
                    "eller raden är trasig. Filen kan vara avkortad."
                )
                % {"row": number}
            ) from exc
        finally:
            text.close()

    def progress() -> tuple[int, int]:
        try:
            return raw.tell(), total
        except (OSError, ValueError):
            return 0, total

    lines = sample.count(b"\n")
    estimated = int(total / (len(sample) / lines)) if lines and total else None
    return Table(
        header=header,
        rows=rows(),
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        progress=progress,
        estimated_rows=estimated,
    )


def open_xlsx(raw: IO[bytes]) -> Table:
    from openpyxl import load_workbook

    raw.seek(0)
    try:
        workbook = load_workbook(raw, read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, OSError, ValueError, EOFError) as exc:
        raise FileProblem(
            _("Excel-filen går inte att öppna. Den kan vara skadad eller avkortad.")
        ) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise FileProblem(_("Excel-filen har inga arbetsblad."))
    try:
        with sheet._get_source() as source:
            merged = _merged_ranges(source)
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise FileProblem(
            _("Excel-filen går inte att läsa. Den kan vara skadad eller avkortad.")
        ) from exc
    if merged:
        raise FileProblem(
            _(
                "Arbetsbladet har sammanfogade celler (%(ranges)s). Ta bort sammanfogningen så "
                "att varje värde står i en egen cell och försök igen."
            )
            % {"ranges": ", ".join(merged[:5]) + (" …" if len(merged) > 5 else "")}
        )
    total = sheet.max_row or 0
    state = {"row": 0}

    def cells() -> Iterator[tuple[int, list[Any]]]:
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                state["row"] = number
                values: list[Any] = []
                for cell in row:
                    if cell.data_type == "f":
                        values.append(Formula(str(cell.value)))
                    else:
                        values.append(cell.value)
                yield number, values
        except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
            raise FileProblem(
                _("Excel-filen tar slut efter rad %(row)s. Den verkar vara avkortad.")
                % {"row": state["row"]}
            ) from exc
        finally:
            workbook.close()

    stream = cells()
    header_row = next(stream, None)
    if header_row is None:
        raise FileProblem(_("Arbetsbladet är tomt."))
    header = ["" if v is None else str(v) for v in header_row[1]]
    while header and not header[-1]:
        header.pop()

    def rows() -> Iterator[tuple[int, list[Any]]]:
        for number, values in stream:
            if any(v not in (None, "") for v in values):
                yield number, values

    return Table(
        header=header,
        rows=rows(),
        format="xlsx",
        progress=lambda: (state["row"], total),
        estimated_rows=total or None,
    )


class Formula(str):
    """A cell that holds a formula: refused, because its value is not in the file for sure."""


def _merged_ranges(source: IO[bytes]) -> list[str]:
    found: list[str] = []
    tail = b""
    while chunk := source.read(CHUNK):
        data = tail + chunk
        found.extend(m.group(1).decode() for m in _MERGE.finditer(data))
        # Keep the end of the chunk: a tag may be split between two reads (found twice at
        # worst, and duplicates are dropped below).
        tail = data[-256:]
    return list(dict.fromkeys(found))


def open_table(raw: IO[bytes], name: str = "") -> Table:
    """Open an import file by its content (the name only decides what a mismatch says)."""
    raw.seek(0)
    head = raw.read(8)
    lowered = name.lower()
    if head.startswith(_OLE_MAGIC) or lowered.endswith(".xls"):
        raise FileProblem(
            _("Det gamla Excel-formatet .xls stöds inte. Spara filen som .xlsx eller CSV.")
        )
    if head.startswith(_ZIP_MAGIC):
        return open_xlsx(raw)
    if lowered.endswith((".xlsx", ".xlsm")):
        raise FileProblem(_("Filen heter .xlsx men är ingen Excel-fil."))
    return open_csv(raw)
