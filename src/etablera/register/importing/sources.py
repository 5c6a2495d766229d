"""Reading the rows of an import file: CSV (UTF-8, Windows-1252 or both, three delimiters) or XLSX.

Everything streams: a CSV is decoded and split as it is read, an Excel sheet is read with
openpyxl in read-only mode after ``workbook.inspect_workbook`` has checked it. Problems with the
file as a whole (not a text file, truncated, formulas, merged cells, limits passed) raise
:class:`FileProblem` with a Swedish message; problems with a single cell are the row
validators' business.

A CSV that is all UTF-8 is read by Python's C decoder in one go. One that is not is decoded
line by line: each line as UTF-8 if it is UTF-8, else as Windows-1252, so a file that was
saved in UTF-8 and then had rows pasted in from an older program keeps its header (``Kön``,
``Födelseland``) and every row its letters; a line that is neither is refused by number.
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import io
from collections.abc import Iterable, Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from .table import FileProblem, Formula, ImportLimits, Table
from .workbook import open_xlsx

__all__ = ["FileProblem", "Formula", "Table", "open_csv", "open_table", "open_xlsx"]

SAMPLE = 64 * 1024
CHUNK = 1024 * 1024
DELIMITERS = (";", ",", "\t")
#: The longest line of a file that is not all UTF-8 (it is decoded line by line).
MAX_LINE = 1024 * 1024
_ZIP_MAGIC = b"PK\x03\x04"
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # the old binary .xls format


def _is_utf8(raw: IO[bytes]) -> tuple[bool, bool]:
    """Whether the file starts with a UTF-8 BOM, and whether all of it is UTF-8.

    The whole file is checked (fast: the decoder is C) so that a Windows-1252 character deep
    in a file that began in plain ASCII is not read wrongly.
    """
    raw.seek(0)
    bom = raw.read(3) == codecs.BOM_UTF8
    raw.seek(0)
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        while chunk := raw.read(CHUNK):
            decoder.decode(chunk)
        decoder.decode(b"", final=True)
    except UnicodeDecodeError:
        return bom, False
    finally:
        raw.seek(0)
    return bom, True


class _TextView(io.TextIOWrapper):
    """A text view of the caller's binary file that leaves the file open when it is closed or
    collected (a plain TextIOWrapper closes what it wraps)."""

    def close(self) -> None:
        with contextlib.suppress(ValueError):  # already detached
            self.detach()


class _MixedLines:
    """The lines of a file in UTF-8 or Windows-1252, each decoded in the one it is in."""

    def __init__(self, raw: IO[bytes], limit: int) -> None:
        self.raw = raw
        self.limit = limit
        self.number = 0
        self.seen: set[str] = set()

    def readline(self) -> str:
        return next(iter(self), "")

    def __iter__(self) -> Iterator[str]:
        return self

    def __next__(self) -> str:
        line = self.raw.readline(self.limit + 1)
        if not line:
            raise StopIteration
        self.number += 1
        if len(line) > self.limit:
            raise FileProblem(
                _("Rad %(row)s är längre än %(mb)s MB. Filen kan vara trasig.")
                % {"row": self.number, "mb": self.limit // (1024 * 1024)}
            )
        if self.number == 1 and line.startswith(codecs.BOM_UTF8):
            line = line[3:]
        try:
            text = line.decode("utf-8")
            if not text.isascii():
                self.seen.add("utf-8")
        except UnicodeDecodeError:
            try:
                text = line.decode("cp1252")
            except UnicodeDecodeError:
                raise FileProblem(
                    _(
                        "Rad %(row)s har tecken som varken är UTF-8 eller Windows-1252. Spara "
                        "filen som UTF-8 och försök igen."
                    )
                    % {"row": self.number}
                ) from None
            self.seen.add("cp1252")
        return text

    def close(self) -> None:
        return None


def _split_header(line: str, delimiter: str) -> list[str]:
    try:
        return next(csv.reader([line], delimiter=delimiter), [])
    except csv.Error:
        # A quote that never closes or a field past the reader's limit: counted plainly.
        return line.split(delimiter)


def _choose_delimiter(header_line: str) -> str:
    counts = {d: len(_split_header(header_line, d)) for d in DELIMITERS}
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


def open_csv(raw: IO[bytes], limits: ImportLimits | None = None) -> Table:
    limits = limits or ImportLimits()
    raw.seek(0)
    sample = raw.read(SAMPLE)
    if not sample.strip():
        raise FileProblem(_("Filen är tom."))
    if _looks_binary(sample):
        raise FileProblem(
            _("Filen är inte en textfil. Spara den som CSV (semikolonavgränsad) eller xlsx.")
        )
    bom, utf8 = _is_utf8(raw)
    try:
        total = raw.seek(0, io.SEEK_END)
        raw.seek(0)
    except (OSError, ValueError):
        total = 0
    text: Any
    if utf8:
        encoding = "utf-8-sig" if bom else "utf-8"
        text = _TextView(raw, encoding=encoding, newline="")
        first = text.readline(limits.header_chars + 1)
    else:
        encoding = "cp1252"
        text = _MixedLines(raw, MAX_LINE)
        first = text.readline()
    header_line = first.rstrip("\r\n")
    if len(header_line) > limits.header_chars:
        text.close()
        raise FileProblem(
            _("Rubrikraden är längre än %(chars)s tecken. Är det rätt fil?")
            % {"chars": f"{limits.header_chars:,}".replace(",", " ")}
        )
    delimiter = _choose_delimiter(header_line)
    try:
        header = next(csv.reader([header_line], delimiter=delimiter))
    except csv.Error as exc:
        text.close()
        raise FileProblem(
            _("Rubrikraden går inte att läsa: ett citattecken stängs aldrig.")
        ) from exc

    def rows() -> Iterator[tuple[int, list[Any]]]:
        source: Iterable[str] = text
        reader = csv.reader(source, delimiter=delimiter, strict=True)
        number = 1
        try:
            for values in reader:
                number = reader.line_num + 1
                if values and any(values):
                    yield number, values
        except csv.Error as exc:
            if "field larger" in str(exc):
                message = _(
                    "Ett fält efter rad %(row)s är längre än %(chars)s tecken. Filen kan vara "
                    "trasig eller ha fel avgränsare."
                ) % {"row": number, "chars": f"{csv.field_size_limit():,}".replace(",", " ")}
            else:
                message = _(
                    "Filen går inte att läsa efter rad %(row)s: ett citattecken stängs aldrig "
                    "eller raden är trasig. Filen kan vara avkortad."
                ) % {"row": number}
            raise FileProblem(message) from exc
        finally:
            text.close()
            if isinstance(text, _MixedLines) and len(text.seen) > 1:
                table.encoding = "utf-8, cp1252"
                table.notes.append(
                    _(
                        "Filen blandar teckenkodningarna UTF-8 och Windows-1252. Varje rad "
                        "lästes i sin egen kodning; kontrollera å, ä och ö."
                    )
                )

    def progress() -> tuple[int, int]:
        try:
            return raw.tell(), total
        except (OSError, ValueError):
            return 0, total

    lines = sample.count(b"\n")
    estimated = int(total / (len(sample) / lines)) if lines and total else None
    table = Table(
        header=header,
        rows=rows(),
        format="csv",
        encoding=encoding,
        delimiter=delimiter,
        progress=progress,
        estimated_rows=estimated,
    )
    return table


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
