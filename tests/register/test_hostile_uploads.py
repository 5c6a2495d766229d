"""The files of issue 15 made to break an import, posted to the web upload.

Each is answered 422 with its Swedish message on the page, writes nothing, is recorded as a
rejected run (never "committed" with 0 rows), and is read within bounded memory. The files are
the issue's, made smaller where the real one would take long to build (a 64 MiB shared string
for the 1 GiB one, a 200,000-field row for the ten-million-field one); every limit that refuses
them is the default one. The real sizes are measured under ``/usr/bin/time`` in
``bench/hostile_files.py`` (docs/performance.md).

A file above the background-import size is opened and its header read in the request, so a
file that cannot be an import at all is refused there too; one whose trouble is in its rows
(a huge field, a row far wider than its header) is refused by the job, on the job's page.
"""

from __future__ import annotations

import io
import tracemalloc
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etablera.jobs.models import Job, JobStatus
from etablera.jobs.worker import run_pending
from etablera.register.models import ImportRun, ImportStatus, Participant
from tests.register.test_import import P_HEADER, participant_rows, xlsx

NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
MIB = 1024 * 1024
#: Python's allocations while one upload is handled, at most: far below what the file would
#: unpack to or hold if it were read whole.
MEMORY_BOUND = 48 * MIB


def _replaced(name: str, head: bytes, fill: bytes, size: int, tail: bytes) -> bytes:
    """A small valid workbook with the part ``name`` replaced by head + fill × size + tail."""
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(xlsx(participant_rows(["19900101-0017"])))) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target,
    ):
        for info in source.infolist():
            if info.filename != name:
                target.writestr(info.filename, source.read(info))
        with target.open(name, "w", force_zip64=True) as part:
            part.write(head)
            block = fill * (MIB // len(fill))
            for _ in range(size // MIB):
                part.write(block)
            part.write(tail)
    return out.getvalue()


def shared_string_bomb() -> bytes:
    head = f'<?xml version="1.0"?><sst xmlns="{NS}" count="1" uniqueCount="1"><si><t>'.encode()
    return _replaced("xl/sharedStrings.xml", head, b"a", 64 * MIB, b"</t></si></sst>")


def sheet_bomb() -> bytes:
    head = (
        f'<?xml version="1.0"?><worksheet xmlns="{NS}"><sheetData>'
        '<row r="1"><c r="A1" t="inlineStr"><is><t>Personnummer</t></is></c></row>'
    ).encode()
    row = b'<row><c t="inlineStr"><is><t>x</t></is></c></row>'
    return _replaced("xl/worksheets/sheet1.xml", head, row, 64 * MIB, b"</sheetData></worksheet>")


def header_line() -> bytes:
    return ("Personnummer;" + "x" * 200_000 + "\r\n19900101-0017;a\r\n").encode()


def huge_field() -> bytes:
    return b"Personnummer;K\xc3\xb6n\r\n19900101-0017;" + b"x" * 2_000_000 + b"\r\n"


def wide_row() -> bytes:
    return ";".join(P_HEADER).encode() + b"\r\n19900101-0017" + b";x" * 200_000 + b"\r\n"


def random_bytes() -> bytes:
    return bytes(range(256)) * 4096


def nul_bytes() -> bytes:
    return b"Personnummer;K\x00n\r\n" + b"\x00" * 100_000


def header_only() -> bytes:
    return ";".join(P_HEADER).encode() + b"\r\n"


#: (file name, how to make it, the message's words, whether the header alone shows it)
HOSTILE = [
    ("bomb.xlsx", shared_string_bomb, "packas upp", True),
    ("blad.xlsx", sheet_bomb, "packas upp", True),
    ("rubrik.csv", header_line, "Rubrikraden är längre", True),
    ("falt.csv", huge_field, "Ett fält efter rad 1", False),
    ("bred.csv", wide_row, "fler fält än rubrikraden", False),
    ("slump.csv", random_bytes, "inte en textfil", True),
    ("nul.csv", nul_bytes, "inte en textfil", True),
    ("tom.csv", header_only, "inga rader", False),
]


def post(client, unit, name: str, data: bytes):
    upload = SimpleUploadedFile(name, data, content_type="application/octet-stream")
    return client.post(
        reverse("register:import"), {"kind": "participants", "unit": unit.pk, "file": upload}
    )


def assert_nothing_written() -> None:
    assert not Participant.objects.exists()
    assert not ImportRun.objects.exclude(status=ImportStatus.REJECTED).exists()
    run = ImportRun.objects.get()
    assert run.error_count >= 1 and len(run.notes) <= 2000


@pytest.mark.parametrize(("name", "make", "message", "in_header"), HOSTILE)
def test_a_hostile_upload_is_refused_with_422(
    client, coach, coach_unit, settings, tmp_path, name, make, message, in_header
):
    settings.MEDIA_ROOT = tmp_path
    settings.ETABLERA_BACKGROUND_IMPORT_KB = 100 * 1024  # every file here is read in the request
    data = make()
    client.force_login(coach)
    tracemalloc.start()
    try:
        response = post(client, coach_unit, name, data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert response.status_code == 422
    assert message in response.content.decode()
    assert peak < MEMORY_BOUND, f"{peak / MIB:.0f} MiB"
    assert_nothing_written()


@pytest.mark.parametrize(("name", "make", "message", "in_header"), HOSTILE)
def test_a_hostile_upload_for_the_background_is_refused_before_or_by_its_job(
    client, coach, coach_unit, settings, tmp_path, name, make, message, in_header
):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.ETABLERA_BACKGROUND_IMPORT_KB = 0  # every file counts as large
    client.force_login(coach)
    response = post(client, coach_unit, name, make())
    if in_header:
        assert response.status_code == 422
        assert message in response.content.decode()
        assert not Job.objects.exists()
        assert not list((settings.ETABLERA_JOB_FILES_DIR / "uploads").glob("*"))
    else:
        job = Job.objects.get()
        assert response.status_code == 302
        run_pending()
        job.refresh_from_db()
        assert job.status == JobStatus.SUCCEEDED, job.error
        assert not job.result["committed"] and job.result["errors"] >= 1
        page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
        assert "Ingenting sparades" in page
    assert_nothing_written()


def test_a_form_without_a_file_is_a_400(client, coach, coach_unit):
    client.force_login(coach)
    response = client.post(reverse("register:import"), {"kind": "participants"})
    assert response.status_code == 400
    assert not ImportRun.objects.exists()


def test_a_file_with_bad_rows_is_a_422_and_a_good_one_a_200(client, coach, coach_unit):
    from tests.register.factories import next_number

    client.force_login(coach)
    bad = participant_rows([next_number(), "19900101-0000"])
    data = "\r\n".join(";".join(row) for row in bad).encode()
    response = post(client, coach_unit, "fel.csv", data)
    assert response.status_code == 422
    assert "Ingenting sparades" in response.content.decode()
    assert not Participant.objects.exists()
    good = "\r\n".join(";".join(row) for row in participant_rows([next_number()])).encode()
    response = post(client, coach_unit, "ok.csv", good)
    assert response.status_code == 200 and Participant.objects.count() == 1
