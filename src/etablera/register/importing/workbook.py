"""Reading an Excel workbook (.xlsx) that may have been made to break the reader.

A workbook is a zip of XML parts, so a file of a megabyte can unpack to gigabytes, and
openpyxl holds the whole shared-string table in memory and pads rows to the sheet's stated
size. Before openpyxl sees the file, :func:`inspect_workbook` checks it against
:class:`ImportLimits`: the members' stated sizes and packing ratios from the zip's directory
(``zipfile`` never unpacks more than a member states, and a member that holds more fails its
checksum), then every XML part streamed through once — no document type declarations (no
entity expansion), no text or tag longer than a cell may be, no more shared strings than the
limit, no column or row beyond what Excel itself allows. While the sheet is read, the cells
are counted with the padding included. Any limit passed is a :class:`FileProblem`.
"""

from __future__ import annotations

import re
import zipfile
import zlib
from collections.abc import Iterator
from typing import IO, Any

from django.utils.translation import gettext as _

from .table import FileProblem, Formula, ImportLimits, Table

CHUNK = 1024 * 1024
EXCEL_ROWS = 1_048_576
_MERGE = re.compile(rb"<(?:\w+:)?mergeCell\s+ref=\"([A-Z]+[0-9]+(?::[A-Z]+[0-9]+)?)\"")
_SHARED_STRING = re.compile(rb"<(?:\w+:)?si[\s/>]")
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_ROW_NUMBER = re.compile(rb"<(?:\w+:)?row\s[^>]*?\br=\"([0-9]{8,})\"")


def _column_number(letters: bytes) -> int:
    number = 0
    for char in letters:
        number = number * 26 + char - 64
    return number


def _column_letters(number: int) -> str:
    letters = ""
    while number:
        number, rest = divmod(number - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _too_big() -> FileProblem:
    return FileProblem(
        _(
            "Excel-filen packas upp till mer än vad en import får vara. Spara den som CSV, "
            "eller dela upp den, och försök igen."
        )
    )


def inspect_workbook(raw: IO[bytes], limits: ImportLimits) -> None:
    """Refuse a workbook that would unpack or parse beyond ``limits`` (see the module)."""
    raw.seek(0)
    try:
        archive = zipfile.ZipFile(raw)
        members = archive.infolist()
    except Exception as exc:  # a damaged directory raises anything from BadZipFile to the
        # error zipfile gives for an unsupported format version ("zip file version 6.4")
        raise FileProblem(
            _("Excel-filen går inte att öppna. Den kan vara skadad eller avkortad.")
        ) from exc
    if len(members) > limits.members:
        raise _too_big()
    total = 0
    for member in members:
        size = member.file_size
        total += size
        if total > limits.unpacked_bytes:
            raise _too_big()
        if size > limits.RATIO_FROM and size > limits.ratio * max(member.compress_size, 1):
            raise _too_big()
        name = member.filename.lower()
        if "sharedstrings" in name:
            if size > limits.shared_strings_bytes:
                raise _too_big()
        elif "worksheets/" not in name and size > limits.part_bytes:
            raise _too_big()
    wide = len(_column_letters(limits.columns))
    column_ref = re.compile(rb"\sr=\"([A-Z]{%d,})[0-9]" % wide)
    for member in members:
        name = member.filename.lower()
        if name.endswith((".xml", ".rels", ".vml")):
            try:
                _inspect_part(archive, member, limits, column_ref)
            except FileProblem:
                raise
            except Exception as e:  # the same for a damaged member
                raise FileProblem(
                    _("Excel-filen går inte att läsa. Den kan vara skadad eller avkortad.")
                ) from e


def _inspect_part(
    archive: zipfile.ZipFile, member: zipfile.ZipInfo, limits: ImportLimits, column_ref
) -> None:
    longest = limits.cell_chars * 4  # a character is at most four bytes in UTF-8
    shared = "sharedstrings" in member.filename.lower()
    strings = 0
    carry = b""
    with archive.open(member) as part:
        while chunk := part.read(CHUNK):
            data = carry + chunk
            pieces = data.split(b"<")
            carry = pieces.pop()
            if len(carry) > longest or (pieces and max(map(len, pieces)) > longest):
                raise FileProblem(
                    _(
                        "Excel-filen har en cell med mer än %(chars)s tecken, mer än Excel "
                        "själv tillåter. Filen kan vara skadad."
                    )
                    % {"chars": f"{limits.cell_chars:,}".replace(",", " ")}
                )
            # What was split off keeps its "<" in the carry, so a tag split between two reads
            # is seen whole in the next one.
            carry = b"<" + carry if pieces else carry
            scanned = data[: len(data) - len(carry)]
            if _DECLARATION.search(scanned):
                raise FileProblem(
                    _("Excel-filen innehåller en dokumenttypdeklaration och läses inte.")
                )
            if shared:
                strings += len(_SHARED_STRING.findall(scanned))
                if strings > limits.shared_strings:
                    raise _too_big()
            for match in column_ref.finditer(scanned):
                if _column_number(match.group(1)) > limits.columns:
                    raise FileProblem(
                        _("Excel-filen har värden bortom kolumn %(column)s.")
                        % {"column": _column_letters(limits.columns)}
                    )
            if _ROW_NUMBER.search(scanned):
                raise FileProblem(_("Excel-filen har rader bortom Excels sista rad."))


def open_xlsx(raw: IO[bytes], limits: ImportLimits | None = None) -> Table:
    from openpyxl import load_workbook

    limits = limits or ImportLimits.from_settings()
    inspect_workbook(raw, limits)
    raw.seek(0)
    try:
        workbook = load_workbook(raw, read_only=True, data_only=False)
    except Exception as exc:
        # A damaged workbook makes openpyxl raise whatever its parsing meets (KeyError,
        # TypeError, zlib.error, XML errors …); the limits above have already bounded it.
        raise FileProblem(
            _("Excel-filen går inte att öppna. Den kan vara skadad eller avkortad.")
        ) from exc
    sheet = workbook.worksheets[0] if workbook.worksheets else None
    if sheet is None:
        raise FileProblem(_("Excel-filen har inga arbetsblad."))
    try:
        with sheet._get_source() as source:
            merged = _merged_ranges(source)
    except (zipfile.BadZipFile, zlib.error, OSError, EOFError, KeyError) as exc:
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
    total = min(sheet.max_row or 0, EXCEL_ROWS)
    # The stated size can be anything (A1:XFD1048576): rows are read as they are, unpadded.
    sheet.reset_dimensions()
    state = {"row": 0}

    def cells() -> Iterator[tuple[int, list[Any]]]:
        read = 0
        try:
            for number, row in enumerate(sheet.iter_rows(), start=1):
                state["row"] = number
                read += len(row) or 1
                if read > limits.cells:
                    raise FileProblem(
                        _("Arbetsbladet har fler än %(cells)s celler.")
                        % {"cells": f"{limits.cells:,}".replace(",", " ")}
                    )
                values: list[Any] = []
                for cell in row:
                    if cell.data_type == "f":
                        values.append(Formula(str(cell.value)))
                    else:
                        values.append(cell.value)
                yield number, values
        except FileProblem:
            raise
        except (zipfile.BadZipFile, zlib.error, EOFError) as exc:
            raise FileProblem(
                _("Excel-filen tar slut efter rad %(row)s. Den verkar vara avkortad.")
                % {"row": state["row"]}
            ) from exc
        except Exception as exc:  # whatever openpyxl meets in a damaged sheet, as above
            raise FileProblem(
                _("Excel-filen går inte att läsa efter rad %(row)s. Den kan vara skadad.")
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
