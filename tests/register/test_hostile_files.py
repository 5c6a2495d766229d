"""Files made to break an import: zip bombs, huge strings, headers, mixed encodings.

Each is refused with one clear message (or imported correctly), writes nothing, is never
recorded as committed, and leaves nothing of its content in the database beyond the bounded
report. The limits are lowered with settings where a real bomb would take long to build.
"""

from __future__ import annotations

import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from etablera.register.importing.table import FileProblem, ImportLimits
from etablera.register.importing.workbook import inspect_workbook
from etablera.register.models import ImportRun, ImportStatus, Participant
from tests.register.test_import import P_HEADER, do_import, encode, participant_rows, xlsx


@pytest.fixture
def numbers():
    from tests.register.factories import next_number

    return [next_number() for _ in range(3)]


def rebuild(book: bytes, **parts: bytes) -> bytes:
    """The workbook with some parts replaced (``xl/sharedStrings.xml`` as ``shared=``)."""
    names = {"shared": "xl/sharedStrings.xml", "sheet": "xl/worksheets/sheet1.xml"}
    replace = {names[key]: value for key, value in parts.items()}
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(book)) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            target.writestr(info.filename, replace.pop(info.filename, source.read(info)))
        for name, value in replace.items():
            target.writestr(name, value)
    return out.getvalue()


def shared_strings(*texts: str) -> bytes:
    body = "".join(f"<si><t>{t}</t></si>" for t in texts)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
        f'count="{len(texts)}" uniqueCount="{len(texts)}">{body}</sst>'
    ).encode()


def sheet(rows: str, dimension: str = "A1:B2") -> bytes:
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f'<dimension ref="{dimension}"/><sheetData>{rows}</sheetData></worksheet>'
    ).encode()


def assert_refused(result, text: str = "") -> None:
    assert not result.committed
    assert result.errors.count >= 1
    assert Participant.objects.count() == 0
    run = ImportRun.objects.get(pk=result.run.pk)
    assert run.status == ImportStatus.REJECTED
    assert len(run.notes) <= 2000
    if text:
        assert any(text in e.message for e in result.errors.first), result.errors.first


def test_a_shared_string_bomb_is_refused_before_it_is_unpacked(coach_unit, numbers):
    book = rebuild(xlsx(participant_rows(numbers)), shared=shared_strings("a" * 20_000_000))
    assert len(book) < 100_000
    result = do_import("participants", book, coach_unit, name="bomb.xlsx")
    assert_refused(result, "packas upp")


@override_settings(ETABLERA_IMPORT_MAX_RATIO=100_000)
def test_a_string_longer_than_a_cell_is_refused_while_streaming(coach_unit, numbers):
    book = rebuild(xlsx(participant_rows(numbers)), shared=shared_strings("x" * 200_000))
    result = do_import("participants", book, coach_unit, name="lång.xlsx")
    assert_refused(result, "32 767 tecken")


@override_settings(ETABLERA_IMPORT_MAX_UNPACKED_MB=1, ETABLERA_IMPORT_MAX_RATIO=100_000)
def test_a_sheet_beyond_the_unpacked_limit_is_refused(coach_unit, numbers):
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>{i}</v></c></row>' for i in range(1, 60_000))
    book = rebuild(xlsx(participant_rows(numbers)), sheet=sheet(rows))
    result = do_import("participants", book, coach_unit, name="stor.xlsx")
    assert_refused(result, "packas upp")


@override_settings(ETABLERA_IMPORT_MAX_SHARED_STRINGS=10)
def test_too_many_shared_strings_are_refused(coach_unit, numbers):
    book = rebuild(xlsx(participant_rows(numbers)), shared=shared_strings(*"abcdefghijkl"))
    assert_refused(do_import("participants", book, coach_unit, name="många.xlsx"), "packas upp")


def test_a_column_beyond_the_limit_and_a_row_beyond_excel_are_refused(coach_unit, numbers):
    wide = sheet('<row r="1"><c r="AAA1" t="inlineStr"><is><t>x</t></is></c></row>')
    book = rebuild(xlsx(participant_rows(numbers)), sheet=wide)
    assert_refused(do_import("participants", book, coach_unit, name="bred.xlsx"), "kolumn ZZ")
    deep = sheet('<row r="99999999"><c r="A99999999"><v>1</v></c></row>')
    book = rebuild(xlsx(participant_rows(numbers)), sheet=deep)
    assert_refused(do_import("participants", book, coach_unit, name="djup.xlsx"), "sista rad")


@override_settings(ETABLERA_IMPORT_MAX_CELLS=1000)
def test_a_stated_dimension_does_not_pad_rows_and_cells_are_counted(coach_unit, numbers):
    """A1:XFD1048576 no longer pads every row; cells are counted as the sheet is read."""
    header = "".join(
        f'<c r="{col}1" t="inlineStr"><is><t>{name}</t></is></c>'
        for col, name in zip("ABCDE", P_HEADER, strict=True)
    )
    rows = "".join(f'<row r="{i}"><c r="A{i}"><v>1</v></c></row>' for i in range(2, 1200))
    book = rebuild(
        xlsx(participant_rows(numbers)),
        sheet=sheet(f'<row r="1">{header}</row>{rows}', "A1:XFD1048576"),
    )
    assert_refused(do_import("participants", book, coach_unit, name="celler.xlsx"), "celler")


def test_a_document_type_declaration_is_refused(coach_unit, numbers):
    laughs = (
        b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">]>'
        b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        b"<si><t>&lol;</t></si></sst>"
    )
    book = rebuild(xlsx(participant_rows(numbers)), shared=laughs)
    assert_refused(do_import("participants", book, coach_unit, name="dtd.xlsx"), "dokumenttyp")


def test_inspection_passes_an_ordinary_workbook(numbers):
    inspect_workbook(io.BytesIO(xlsx(participant_rows(numbers))), ImportLimits())
    with pytest.raises(FileProblem):
        inspect_workbook(io.BytesIO(b"PK\x03\x04 not a zip"), ImportLimits())


def test_the_command_refuses_a_bomb_with_exit_1(coach_unit, numbers, tmp_path):
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(
        rebuild(xlsx(participant_rows(numbers)), shared=shared_strings("a" * 20_000_000))
    )
    with pytest.raises(CommandError) as error:
        call_command(
            "import", "participants", str(path), "--unit", coach_unit.name, "--no-progress"
        )
    assert error.value.returncode == 1
    assert Participant.objects.count() == 0


# --- CSV --------------------------------------------------------------------------------------


def test_a_header_over_128_kib_is_a_clear_message(coach_unit):
    data = ("Personnummer;" + "x" * 200_000 + "\r\n19900101-1234;a\r\n").encode()
    assert_refused(do_import("participants", data, coach_unit), "Rubrikraden")
    quoted = ('"Personnummer;' + "x" * 40_000 + "\r\n").encode()
    assert_refused(do_import("participants", quoted, coach_unit))


def test_a_huge_unknown_header_is_not_stored(coach_unit, numbers):
    rows = participant_rows(numbers)
    rows[0] = [*rows[0], "y" * 60_000]
    rows[1:] = [[*r, ""] for r in rows[1:]]
    result = do_import("participants", encode(rows), coach_unit)
    assert result.committed, result.errors.first
    run = ImportRun.objects.get(pk=result.run.pk)
    assert len(run.notes) < 200


def test_one_cp1252_line_in_a_utf8_file_keeps_the_headers(coach_unit, numbers):
    rows = participant_rows(numbers)
    data = encode(rows[:2]) + encode(rows[2:3], encoding="cp1252").replace(
        b"Syrien", "Österrike".encode("cp1252")
    )
    data += encode(rows[3:])
    result = do_import("participants", data, coach_unit)
    assert result.committed, result.errors.first
    assert set(Participant.objects.values_list("country_of_birth", flat=True)) == {"SY", "AT"}
    assert Participant.objects.exclude(gender="X").count() == 3
    assert any("Windows-1252" in note for note in result.notes)


def test_a_known_header_in_the_wrong_encoding_is_refused_not_skipped(coach_unit, numbers):
    rows = participant_rows(numbers)
    garbled = encode(rows).decode("utf-8").encode("utf-8").decode("cp1252").encode("utf-8")
    assert "KÃ¶n".encode() in garbled
    assert_refused(do_import("participants", garbled, coach_unit), "teckenkodning")
    lost = encode(rows).replace("Kön".encode(), b"K?n")
    assert_refused(do_import("participants", lost, coach_unit), "Kön")


def test_a_line_in_no_known_encoding_is_named(coach_unit, numbers):
    rows = participant_rows(numbers)
    data = encode(rows[:2]) + b"\x81\xc3;K;2023-01-05;gymnasial;Syrien\r\n"
    assert_refused(do_import("participants", data, coach_unit), "Rad 3")


def test_a_file_with_only_a_header_is_not_committed(coach_unit):
    result = do_import("participants", encode([P_HEADER]), coach_unit)
    assert_refused(result, "inga rader")


def test_the_error_report_neutralises_formulas(coach_unit, numbers, tmp_path):
    from etablera.register.importing.engine import save_error_report

    rows = participant_rows(numbers)
    rows[1][4] = "=1+2"
    rows[2][4] = "@SUM(A1)"
    rows[3][4] = "=cmd|' /C calc'!A0"
    data = encode(rows)
    result = do_import("participants", data, coach_unit)
    assert_refused(result)
    name = save_error_report(result, tmp_path)
    report = (tmp_path / name).read_text(encoding="utf-8-sig")
    out = tmp_path / "fel.csv"
    path = tmp_path / "in.csv"
    path.write_bytes(data)
    with pytest.raises(CommandError):
        call_command(
            "import",
            "participants",
            str(path),
            "--unit",
            coach_unit.name,
            "--no-progress",
            "--errors",
            str(out),
        )
    for text in (report, out.read_text(encoding="utf-8-sig")):
        cells = [cell for line in text.splitlines() for cell in line.split(";")]
        assert "'=1+2" in cells and "'@SUM(A1)" in cells
        assert not any(cell[:1] in "=@+-" for cell in cells if cell)
