"""Write the hostile import files of docs/performance.md ("Files made to break an import").

    python -m bench.hostile_files DIRECTORY

Each file is then imported with the command (and the web upload) under ``/usr/bin/time -v``:

    /usr/bin/time -v etablera import participants DIRECTORY/FILE --unit UNIT --no-progress
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

from openpyxl import Workbook

HEADER = ["Personnummer", "Kön", "Födelseland"]
NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MIB = 1024 * 1024


def _book() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER)
    sheet.append(["19900101-0017", "K", "Syrien"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _with_part(path: Path, name: str, head: bytes, fill: bytes, size: int, tail: bytes) -> None:
    """The small workbook with ``name`` replaced by head + ``size`` bytes of fill + tail."""
    with (
        zipfile.ZipFile(io.BytesIO(_book())) as source,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
        with target.open(name, "w", force_zip64=True) as part:
            part.write(head)
            block = fill * (MIB // len(fill))
            for _ in range(size // len(block)):
                part.write(block)
            part.write(tail)


def main(directory: str) -> None:
    out = Path(directory)
    out.mkdir(parents=True, exist_ok=True)
    sst = f'<?xml version="1.0"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode()
    _with_part(
        out / "shared-1gib.xlsx", "xl/sharedStrings.xml", sst, b"a", 1024 * MIB, b"</t></si></sst>"
    )
    _with_part(
        out / "shared-256mib.xlsx", "xl/sharedStrings.xml", sst, b"a", 256 * MIB, b"</t></si></sst>"
    )
    sheet = (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Personnummer</t></is></c></row>'
    ).encode()
    _with_part(
        out / "sheet-2gib.xlsx",
        "xl/worksheets/sheet1.xml",
        sheet,
        b'<row><c t="inlineStr"><is><t>x</t></is></c></row>',
        2048 * MIB,
        b"</sheetData></worksheet>",
    )
    (out / "header-200k.csv").write_bytes(
        ("Personnummer;" + "x" * 200_000 + "\r\n19900101-0017;a\r\n").encode()
    )
    (out / "field-40mb.csv").write_bytes(
        b"Personnummer;K\xc3\xb6n\r\n19900101-0017;" + b"x" * 40_000_000 + b"\r\n"
    )
    (out / "random.csv").write_bytes(bytes(range(256)) * 4096)
    for file in sorted(out.iterdir()):
        print(f"{file.name}: {file.stat().st_size / 1e6:.2f} MB")


if __name__ == "__main__":
    main(sys.argv[1])
