"""Fuzzing the import: whatever the file, a clear error or a correct import — never a crash,
never a partial write, never the file's content stored beyond the bounded report."""

from __future__ import annotations

import io
import struct
import zipfile

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from etablera.register.importing.engine import ImportScope, run_import
from etablera.register.models import ImportRun, ImportStatus, Participant
from tests.factories import OPERATOR
from tests.register.factories import next_number
from tests.register.test_import import P_HEADER, participant_rows, xlsx

FUZZ = settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)


#: One workbook for every example (a workbook made anew differs in its timestamps, and the
#: examples must draw the same way each time).
BOOK = xlsx(participant_rows([next_number()]))


def attempt(data: bytes, unit, name: str = "fil.csv"):
    before = Participant.objects.count()
    result = run_import(
        "participants",
        io.BytesIO(data),
        file_name=name,
        scope=ImportScope(default_unit=unit, allowed_paths=(unit.path,)),
        actor=OPERATOR,
    )
    run = ImportRun.objects.get(pk=result.run.pk)
    assert len(run.notes) <= 2000
    if result.committed:
        assert result.ok and run.status == ImportStatus.COMMITTED
        assert result.rows >= 1
        assert Participant.objects.count() == before + result.created
    else:
        assert result.errors.count >= 1 and run.status == ImportStatus.REJECTED
        assert Participant.objects.count() == before
        for error in result.errors.first:
            assert error.message and len(error.value) <= 60 and len(error.column) <= 60
    return result


@FUZZ
@given(st.binary(max_size=4096))
def test_arbitrary_bytes(coach_unit, data):
    attempt(data, coach_unit)


@FUZZ
@given(
    st.lists(st.lists(st.text(max_size=40), min_size=1, max_size=6), min_size=1, max_size=8),
    st.sampled_from(["utf-8", "utf-8-sig", "cp1252", "utf-16", "latin-1"]),
    st.sampled_from([";", ",", "\t", "|"]),
)
def test_arbitrary_text_in_any_encoding(coach_unit, rows, encoding, delimiter):
    text = "\r\n".join(delimiter.join(row) for row in [P_HEADER, *rows])
    attempt(text.encode(encoding, errors="replace"), coach_unit)


@FUZZ
@given(st.integers(min_value=0, max_value=3), st.integers(min_value=100, max_value=400_000))
def test_huge_fields(coach_unit, column, length):
    row = [next_number(), "K", "2023-01-05", "gymnasial", "Syrien"]
    row[column + 1] = "x" * length
    text = ";".join(P_HEADER) + "\r\n" + ";".join(row) + "\r\n"
    result = attempt(text.encode(), coach_unit)
    assert not result.committed


@FUZZ
@given(st.data())
def test_malformed_workbooks(coach_unit, data):
    book = bytearray(BOOK)
    how = data.draw(st.sampled_from(["flip", "truncate", "member"]))
    if how == "flip":
        for _ in range(data.draw(st.integers(min_value=1, max_value=20))):
            at = data.draw(st.integers(min_value=0, max_value=len(book) - 1))
            book[at] = data.draw(st.integers(min_value=0, max_value=255))
    elif how == "truncate":
        book = book[: data.draw(st.integers(min_value=4, max_value=len(book) - 1))]
    else:
        source = zipfile.ZipFile(io.BytesIO(bytes(book)))
        out = io.BytesIO()
        with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
            for info in source.infolist():
                content = source.read(info)
                if data.draw(st.booleans()):
                    content = data.draw(st.binary(max_size=300))
                if data.draw(st.integers(min_value=0, max_value=9)):
                    target.writestr(info.filename, content)
        book = bytearray(out.getvalue())
    attempt(bytes(book), coach_unit, name="fil.xlsx")


@FUZZ
@given(
    st.lists(
        st.tuples(
            st.lists(st.text(max_size=30), min_size=1, max_size=6),
            st.sampled_from(["utf-8", "cp1252", "latin-1", "utf-16-le"]),
        ),
        min_size=1,
        max_size=8,
    )
)
def test_lines_in_mixed_encodings(coach_unit, lines):
    """Each line in an encoding of its own: a mix of UTF-8 and Windows-1252 is read line by
    line; anything else is refused with the line named, never half-read."""
    data = ";".join(P_HEADER).encode() + b"\r\n"
    for cells, encoding in lines:
        data += ";".join(cells).encode(encoding, errors="replace") + b"\r\n"
    attempt(data, coach_unit)


#: Fields of a central directory entry (``PK\x01\x02``): offset, struct format.
DIRECTORY_FIELDS = {
    "flags": (8, "<H"),  # bit 0: encrypted, bit 3: sizes after the data
    "method": (10, "<H"),
    "crc": (16, "<I"),
    "compressed": (20, "<I"),
    "size": (24, "<I"),
    "extra_length": (30, "<H"),
    "local_offset": (42, "<I"),
}


@FUZZ
@given(st.data())
def test_workbooks_with_a_lying_zip_directory(coach_unit, data):
    """The zip's own bookkeeping made to lie: sizes, checksums, methods, flags, offsets of
    members, duplicated names, the end record's count — what a made-up or damaged workbook
    holds, and what a zip bomb relies on."""
    book = bytearray(BOOK)
    entries = [i for i in range(len(book)) if book[i : i + 4] == b"PK\x01\x02"]
    for _ in range(data.draw(st.integers(min_value=1, max_value=4))):
        how = data.draw(st.sampled_from([*DIRECTORY_FIELDS, "duplicate", "end_count"]))
        entry = data.draw(st.sampled_from(entries))
        if how == "duplicate":
            # The second member gets the first one's name (same length, or the name is cut).
            first, second = entries[0], data.draw(st.sampled_from(entries[1:]))
            length = min(
                struct.unpack_from("<H", book, first + 28)[0],
                struct.unpack_from("<H", book, second + 28)[0],
            )
            book[second + 46 : second + 46 + length] = book[first + 46 : first + 46 + length]
        elif how == "end_count":
            end = bytes(book).rfind(b"PK\x05\x06")
            struct.pack_into("<H", book, end + 10, data.draw(st.integers(0, 0xFFFF)))
        else:
            offset, fmt = DIRECTORY_FIELDS[how]
            top = 0xFFFF if fmt == "<H" else 0xFFFFFFFF
            struct.pack_into(fmt, book, entry + offset, data.draw(st.integers(0, top)))
    attempt(bytes(book), coach_unit, name="fil.xlsx")
