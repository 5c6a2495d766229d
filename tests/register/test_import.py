"""Imports of participants and enrolments: formats, all-or-nothing, idempotence, bad input.

These run on whichever database the suite runs on, so the SQLite path (executemany upserts)
and the PostgreSQL path (COPY into a temporary table, then INSERT … ON CONFLICT) are each
exercised by the same tests (CI runs the suite on both).
"""

from __future__ import annotations

import datetime as dt
import gc
import io
import zipfile

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from etablera.accounts.models import AccessLogEntry
from etablera.register.importing.engine import ErrorSink, ImportScope, run_import
from etablera.register.models import Enrolment, ImportRun, Participant, RegistrationConflict
from tests.factories import OPERATOR
from tests.register.factories import (
    InterventionFactory,
    ParticipantFactory,
    next_number,
    status,
)

P_HEADER = ["Personnummer", "Kön", "Kommunmottagen", "Utbildningsnivå", "Födelseland"]
E_HEADER = [
    "Personnummer",
    "Insatskod",
    "Startdatum",
    "Slutdatum",
    "Status vid avslut",
    "Timmar per vecka",
]


def encode(rows: list[list[str]], *, encoding: str = "utf-8", delimiter: str = ";") -> bytes:
    text = "\r\n".join(delimiter.join(row) for row in rows) + "\r\n"
    data = text.encode(encoding.replace("-sig", ""))
    return (b"\xef\xbb\xbf" + data) if encoding == "utf-8-sig" else data


def xlsx(rows: list[list], *, merge: str = "") -> bytes:
    book = Workbook()
    sheet = book.active
    for row in rows:
        sheet.append(row)
    if merge:
        sheet.merge_cells(merge)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def do_import(kind: str, data: bytes, unit, *, name: str = "fil.csv", **kwargs):
    scope = kwargs.pop("scope", None) or ImportScope(default_unit=unit, allowed_paths=(unit.path,))
    kwargs.setdefault("actor", OPERATOR)
    return run_import(kind, io.BytesIO(data), file_name=name, scope=scope, **kwargs)


@pytest.fixture
def numbers():
    return [next_number() for _ in range(4)]


@pytest.fixture
def intervention(coach_unit):
    return InterventionFactory(code="PRAK", name="Praktik i kommunen", provider_unit=coach_unit)


def participant_rows(numbers):
    return [P_HEADER] + [[n, "", "2023-01-05", "gymnasial", "Syrien"] for n in numbers]


def enrolment_rows(numbers, start="2024-01-10", end="2024-04-30"):
    return [E_HEADER] + [[n, "PRAK", start, end, "Arbete", "20"] for n in numbers]


# --- formats -----------------------------------------------------------------------------


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1252"])
@pytest.mark.parametrize("delimiter", [";", ",", "\t"])
def test_participants_in_every_encoding_and_delimiter(coach_unit, numbers, encoding, delimiter):
    rows = participant_rows(numbers)
    rows[1][3] = "Förgymnasial kortare än 9 år"
    result = do_import(
        "participants", encode(rows, encoding=encoding, delimiter=delimiter), coach_unit
    )
    assert result.ok, result.errors.first
    assert result.committed and result.created == 4
    assert result.delimiter == delimiter
    assert (
        result.encoding
        == {"cp1252": "cp1252", "utf-8": "utf-8", "utf-8-sig": "utf-8-sig"}[encoding]
    )
    first = Participant.objects.get(masked_identity=f"{numbers[0][:8]}-****")
    assert first.education_level == "primary_short"
    assert first.country_of_birth == "SY"
    assert first.owning_unit == coach_unit
    assert first.birth_year == int(numbers[0][:4])
    assert first.gender == ("M" if int(numbers[0][10]) % 2 else "K")


@pytest.mark.parametrize("start", ["2024-01-10", "20240110", "240110"], ids=["iso", "eight", "six"])
def test_enrolments_in_every_date_format(coach_unit, numbers, intervention, start):
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    result = do_import("enrolments", encode(enrolment_rows(numbers, start=start)), coach_unit)
    assert result.committed, result.errors.first
    assert set(Enrolment.objects.values_list("start", flat=True)) == {dt.date(2024, 1, 10)}
    enrolment = Enrolment.objects.first()
    assert enrolment.exit_status.code == "work"
    assert enrolment.status_at_start.code == "unknown"
    assert enrolment.hours_per_week == 20


def test_identity_numbers_in_10_digit_and_separated_forms_find_the_same_people(
    coach_unit, numbers, intervention
):
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    forms = [
        numbers[0][2:8] + "-" + numbers[0][8:],
        numbers[1][:8] + "-" + numbers[1][8:],
        numbers[2][2:],
        numbers[3],
    ]
    result = do_import("enrolments", encode(enrolment_rows(forms)), coach_unit)
    assert result.committed and result.created == 4, result.errors.first


def test_xlsx_is_read_in_streaming_mode_with_typed_cells(coach_unit, numbers, intervention):
    people = xlsx(
        [P_HEADER] + [[int(n), None, dt.datetime(2023, 1, 5), "Gymnasial", "SY"] for n in numbers]
    )
    result = do_import("participants", people, coach_unit, name="deltagare.xlsx")
    assert result.committed and result.format == "xlsx", result.errors.first
    rows = xlsx(
        [E_HEADER]
        + [[n, "PRAK", dt.date(2024, 1, 10), dt.date(2024, 3, 1), "Studier", 37.5] for n in numbers]
    )
    result = do_import("enrolments", rows, coach_unit, name="deltaganden.xlsx")
    assert result.committed and result.created == 4, result.errors.first
    assert Enrolment.objects.filter(exit_status__code="studies", hours_per_week=37.5).count() == 4


def test_reserve_numbers_and_a_unit_column(coach_unit, body, intervention):
    from tests.factories import UnitFactory

    team = UnitFactory(body=body, parent=coach_unit, name="Jobbcentrum")
    rows = [
        ["Reservnummer", "Enhet", "Kön"],
        ["R2024-00001", "Jobbcentrum", "K"],
        ["r2024-00002", "", "M"],
    ]
    result = do_import("participants", encode(rows), coach_unit)
    assert result.committed, result.errors.first
    assert Participant.objects.get(reserve_number="R2024-00001").owning_unit == team
    assert Participant.objects.get(reserve_number="R2024-00002").owning_unit == coach_unit
    enrol = [
        ["Reservnummer", "Insats", "Startdatum"],
        ["R2024-00001", "praktik i kommunen", "2024-05-01"],
    ]
    result = do_import("enrolments", encode(enrol), coach_unit)
    assert result.committed and result.created == 1, result.errors.first


# --- all or nothing, idempotence ------------------------------------------------------------


def test_a_bad_row_in_the_middle_writes_nothing_and_every_bad_row_is_listed(
    coach_unit, intervention
):
    numbers = [next_number() for _ in range(300)]
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    rows = enrolment_rows(numbers)
    rows[150][3] = "2023-01-01"  # ends before it starts
    rows[151][4] = "Lottovinst"  # exit status outside the list
    rows[200][1] = "FINNS-INTE"  # unknown intervention
    rows[250][0] = numbers[250][:-1] + str((int(numbers[250][-1]) + 1) % 10)  # bad check digit
    before = Enrolment.objects.count()
    result = do_import("enrolments", encode(rows), coach_unit)
    assert not result.committed
    assert Enrolment.objects.count() == before == 0
    found = {(e.row, e.column) for e in result.errors.first}
    assert found == {
        (151, "Slutdatum"),
        (152, "Status vid avslut"),
        (201, "Insatskod"),
        (251, "Personnummer"),
    }
    messages = {e.row: e.message for e in result.errors.first}
    assert messages[151] == "Slutdatum kan inte ligga före startdatum."
    assert messages[152].startswith("Okänd status.")
    assert messages[251] == "Kontrollsiffran i identitetsnumret stämmer inte."
    bad_number = next(e for e in result.errors.first if e.row == 251)
    assert bad_number.value == f"{numbers[250][:8]}-****"
    assert result.run.status == "rejected" and result.run.error_count == 4


def test_reimporting_the_same_files_creates_no_duplicates(coach_unit, numbers, intervention):
    people, rows = encode(participant_rows(numbers)), encode(enrolment_rows(numbers))
    first = do_import("participants", people, coach_unit)
    second = do_import("participants", people, coach_unit)
    assert (first.created, second.created, second.updated, second.unchanged) == (4, 0, 0, 4)
    assert Participant.objects.count() == 4
    first = do_import("enrolments", rows, coach_unit)
    second = do_import("enrolments", rows, coach_unit)
    assert (first.created, second.created, second.unchanged) == (4, 0, 4)
    assert Enrolment.objects.count() == 4


def test_a_reimport_updates_only_the_columns_in_the_file(coach_unit, numbers, intervention):
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    rows = [["Personnummer", "Samtycke till uppföljning"]] + [[n, "ja"] for n in numbers]
    result = do_import("participants", encode(rows), coach_unit)
    assert result.committed and result.updated == 4
    assert set(Participant.objects.values_list("education_level", "consent_to_follow_up")) == {
        ("upper_secondary", True)
    }
    do_import(
        "enrolments",
        encode(
            enrolment_rows(
                numbers,
                end="",
            )
        ).replace(b"Arbete", b""),
        coach_unit,
    )
    ended = enrolment_rows(numbers, end="2024-06-30")
    result = do_import("enrolments", encode(ended), coach_unit)
    assert result.committed and result.updated == 4, result.errors.first
    assert set(Enrolment.objects.values_list("end", flat=True)) == {dt.date(2024, 6, 30)}


def test_a_dry_run_validates_and_writes_nothing(coach_unit, numbers):
    result = do_import("participants", encode(participant_rows(numbers)), coach_unit, dry_run=True)
    assert result.ok and not result.committed
    assert Participant.objects.count() == 0
    assert result.run.status == "dry_run"


def test_duplicates_within_a_file_are_errors(coach_unit, numbers, intervention):
    rows = [*participant_rows(numbers), [numbers[0], "", "", "", ""]]
    result = do_import("participants", encode(rows), coach_unit)
    assert not result.committed
    assert result.errors.first[0].message == "Personen finns redan på rad 2 i filen."
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    rows = [*enrolment_rows(numbers), [numbers[1], "PRAK", "240110", "", "", ""]]
    result = do_import("enrolments", encode(rows), coach_unit)
    assert not result.committed
    assert "rad 3" in result.errors.first[0].message


# --- scope ------------------------------------------------------------------------------------


def test_a_person_of_another_unit_is_held_for_review_not_moved(coach_unit, other_unit, numbers):
    """Nothing says the person exists elsewhere: the row is written as a registration held
    for review (counted as new, like the others) and is a conflict for the register's
    administrator; a dry run says nothing about it at all."""
    existing = ParticipantFactory(number=numbers[0], owning_unit=other_unit)
    dry = do_import("participants", encode(participant_rows(numbers)), coach_unit, dry_run=True)
    assert dry.ok and not dry.notes and not RegistrationConflict.objects.exists()
    result = do_import("participants", encode(participant_rows(numbers)), coach_unit)
    assert result.committed and result.created == 4, result.errors.first
    assert not result.notes
    existing.refresh_from_db()
    assert existing.owning_unit == other_unit
    conflict = RegistrationConflict.objects.get()
    assert (conflict.participant, conflict.requested_unit) == (existing, coach_unit)
    assert conflict.held.held_for_review and conflict.held.owning_unit == coach_unit
    assert conflict.source == "import" and conflict.import_run == result.run


def test_enrolments_only_reach_participants_in_scope(coach_unit, other_unit, numbers, intervention):
    ParticipantFactory(number=numbers[0], owning_unit=other_unit)
    result = do_import("enrolments", encode(enrolment_rows(numbers[:1])), coach_unit)
    assert not result.committed
    assert result.errors.first[0].message.startswith("Deltagaren finns inte i registret")


def test_enrolments_reach_participants_shared_with_the_unit(
    coach_unit, other_unit, numbers, intervention
):
    from etablera.register.models import ParticipantShare

    shared = ParticipantFactory(number=numbers[0], owning_unit=other_unit)
    ParticipantShare.objects.create(participant=shared, unit=coach_unit)
    result = do_import("enrolments", encode(enrolment_rows(numbers[:1])), coach_unit)
    assert result.committed and result.created == 1, result.errors.first
    assert shared.enrolments.get().intervention == intervention


def test_a_unit_outside_the_scope_is_refused(coach_unit, other_unit):
    rows = [["Reservnummer", "Enhet"], ["R-1", str(other_unit.pk)]]
    result = do_import("participants", encode(rows), coach_unit)
    assert not result.committed
    assert result.errors.first[0].column == "Enhet"


# --- bad files ----------------------------------------------------------------------------------


def test_a_truncated_csv_is_reported(coach_unit, numbers):
    data = encode(participant_rows(numbers))
    cut = data[: data.rindex(b";")]  # the last row loses its last fields
    result = do_import("participants", cut, coach_unit)
    assert not result.committed and Participant.objects.count() == 0
    assert "avkortad" in result.errors.first[0].message


def test_an_unclosed_quote_at_the_end_is_reported(coach_unit, numbers):
    data = encode(participant_rows(numbers)) + b'"' + numbers[0].encode() + b';"K\r\n'
    result = do_import("participants", data, coach_unit)
    assert not result.committed
    assert any("avkortad" in e.message for e in result.errors.first)


def test_a_binary_file_named_csv_is_refused(coach_unit):
    result = do_import("participants", bytes(range(256)) * 40, coach_unit, name="deltagare.csv")
    assert not result.committed
    assert result.errors.first[0].message.startswith("Filen är inte en textfil")


def test_an_empty_file_and_a_file_without_columns(coach_unit):
    assert do_import("participants", b"", coach_unit).errors.first[0].message == "Filen är tom."
    result = do_import("participants", b"bara en kolumn\nrad\n", coach_unit)
    assert "en kolumn" in result.errors.first[0].message


def test_a_file_without_an_identity_column(coach_unit):
    result = do_import("participants", encode([["Kön", "Födelseår"], ["K", "1990"]]), coach_unit)
    assert "Personnummer" in result.errors.first[0].message


def test_excel_with_a_formula_is_refused(coach_unit, numbers):
    data = xlsx(
        [
            P_HEADER,
            [numbers[0], "K", "2023-01-01", "gymnasial", "SY"],
            [numbers[1], "=A2", "2023-01-01", "gymnasial", "SY"],
        ]
    )
    result = do_import("participants", data, coach_unit, name="x.xlsx")
    assert not result.committed and Participant.objects.count() == 0
    assert result.errors.first[0].row == 3
    assert "formel" in result.errors.first[0].message


def test_excel_with_merged_cells_is_refused(coach_unit, numbers):
    data = xlsx(participant_rows(numbers), merge="B2:C2")
    result = do_import("participants", data, coach_unit, name="x.xlsx")
    assert not result.committed
    assert "sammanfogade celler (B2:C2)" in result.errors.first[0].message


def test_a_truncated_xlsx_is_refused(coach_unit, numbers):
    data = xlsx(participant_rows(numbers))
    result = do_import("participants", data[: len(data) // 2], coach_unit, name="x.xlsx")
    assert not result.committed
    assert "Excel-filen" in result.errors.first[0].message


def test_old_xls_and_fake_xlsx(coach_unit):
    xls = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100
    assert (
        ".xls" in do_import("participants", xls, coach_unit, name="a.xls").errors.first[0].message
    )
    fake = do_import("participants", b"Personnummer;Kon\n", coach_unit, name="a.xlsx")
    assert "ingen Excel-fil" in fake.errors.first[0].message


def test_a_zip_that_is_not_a_workbook(coach_unit):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hej.txt", "hej")
    result = do_import("participants", out.getvalue(), coach_unit, name="a.xlsx")
    assert "Excel-filen går inte att öppna" in result.errors.first[0].message


def test_error_messages_and_reports_never_hold_a_whole_number(coach_unit, numbers, tmp_path):
    rows = [*participant_rows(numbers), [numbers[0], "", "", "", ""]]
    rows[2][0] = numbers[1][:-1] + str((int(numbers[1][-1]) + 3) % 10)
    report = tmp_path / "fel.csv"
    with report.open("w", encoding="utf-8") as out:
        do_import("participants", encode(rows), coach_unit, errors=ErrorSink(out))
    text = report.read_text(encoding="utf-8")
    assert "rad;kolumn;värde;fel" in text
    for number in numbers:
        assert number not in text and number[2:] not in text


# --- the command --------------------------------------------------------------------------


def test_command_imports_and_reports(coach_unit, numbers, intervention, tmp_path, capsys):
    people = tmp_path / "deltagare.csv"
    people.write_bytes(encode(participant_rows(numbers), encoding="cp1252"))
    call_command(
        "import", "participants", str(people), "--unit", str(coach_unit.pk), "--no-progress"
    )
    assert Participant.objects.count() == 4
    assert "4 new" in capsys.readouterr().out


def test_command_fails_with_a_nonzero_exit_and_writes_the_error_file(
    coach_unit, numbers, intervention, tmp_path
):
    call_command(
        "import",
        "participants",
        _write(tmp_path, participant_rows(numbers)),
        "--unit",
        coach_unit.name,
        "--no-progress",
    )
    rows = enrolment_rows(numbers)
    rows[2][2] = "2024-13-01"
    errors = tmp_path / "fel.csv"
    with pytest.raises(CommandError) as failure:
        call_command(
            "import", "enrolments", _write(tmp_path, rows), "--errors", str(errors), "--no-progress"
        )
    assert "Nothing was written: 1 errors" in str(failure.value)
    assert "3;Startdatum;2024-13-01;The date does not exist in the calendar." in errors.read_text(
        encoding="utf-8-sig"
    )
    assert Enrolment.objects.count() == 0


def test_command_dry_run_writes_nothing(coach_unit, numbers, tmp_path, capsys):
    call_command(
        "import",
        "participants",
        _write(tmp_path, participant_rows(numbers)),
        "--unit",
        coach_unit.name,
        "--dry-run",
        "--no-progress",
    )
    assert Participant.objects.count() == 0
    assert "Dry run: no errors" in capsys.readouterr().out


def test_command_without_a_unit_for_participants_fails(numbers, tmp_path, db):
    with pytest.raises(CommandError):
        call_command(
            "import", "participants", _write(tmp_path, participant_rows(numbers)), "--no-progress"
        )


def test_every_import_is_recorded_and_logged(coach, coach_unit, numbers):
    result = do_import("participants", encode(participant_rows(numbers)), coach_unit, actor=coach)
    run = ImportRun.objects.get()
    assert (run.status, run.rows, run.created, run.started_by) == ("committed", 4, 4, coach)
    entry = AccessLogEntry.objects.get(subject_type="register.importrun")
    assert entry.action == "change" and entry.user == coach
    assert result.run == run
    for number in numbers:
        assert number not in entry.detail


def _write(directory, rows) -> str:
    path = directory / f"fil{len(list(directory.iterdir()))}.csv"
    path.write_bytes(encode(rows))
    return str(path)


def test_status_names_and_codes_are_both_accepted(coach_unit, numbers, intervention):
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    rows = enrolment_rows(numbers)
    rows[1][4], rows[2][4], rows[3][4] = "work", "SUBVENTIONERAT ARBETE", "annan insats"
    result = do_import("enrolments", encode(rows), coach_unit)
    assert result.committed, result.errors.first
    assert status("other_intervention").enrolments_exited.count() == 1


@pytest.mark.django_db(transaction=True)
def test_a_bulk_load_keeps_every_foreign_key(coach_unit, numbers, intervention, monkeypatch):
    """With the bulk threshold at one row, the bulk path runs and the table keeps all its keys,
    validated (on PostgreSQL they are never dropped: dropping one locks readers out)."""
    from django.db import connection

    from etablera.register.importing import engine

    monkeypatch.setattr(engine, "BULK_ROWS", 1)
    do_import("participants", encode(participant_rows(numbers)), coach_unit)
    result = do_import("enrolments", encode(enrolment_rows(numbers)), coach_unit)
    assert result.committed and result.created == 4, result.errors.first
    again = do_import("enrolments", encode(enrolment_rows(numbers, end="2024-05-31")), coach_unit)
    assert again.committed and again.updated == 4
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*), bool_and(convalidated) FROM pg_constraint "
                "WHERE conrelid = 'register_enrolment'::regclass AND contype = 'f'"
            )
            assert cursor.fetchone() == (4, True)
    else:
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA foreign_key_list(register_enrolment)")
            assert len(cursor.fetchall()) == 4
            cursor.execute("PRAGMA foreign_key_check(register_enrolment)")
            assert cursor.fetchall() == []


def test_a_number_in_the_wrong_column_is_masked_in_the_report(coach_unit, numbers):
    rows = [["Reservnummer", "Kön"], [f"{numbers[0][:8]}-{numbers[0][8:]}", numbers[1]]]
    result = do_import("participants", encode(rows), coach_unit)
    assert not result.committed
    values = [e.value for e in result.errors.first]
    assert f"{numbers[0][:8]}-****" in values and f"{numbers[1][:8]}-****" in values
    for value in values:
        assert numbers[0][8:] not in value and numbers[1][8:] not in value


def test_the_callers_file_stays_open(coach_unit, numbers):
    raw = io.BytesIO(encode(participant_rows(numbers)))
    seen = []
    run_import(
        "participants",
        raw,
        file_name="x.csv",
        scope=ImportScope(default_unit=coach_unit),
        actor=OPERATOR,
        progress=lambda rows, done, total: seen.append((rows, done, total)),
    )
    assert not raw.closed
    assert seen[-1][0] == 4 and seen[-1][1] == seen[-1][2] > 0
    early = io.BytesIO(b"Kon;Fodelsear\nK;1990\n")
    run_import(
        "participants",
        early,
        file_name="x.csv",
        scope=ImportScope(default_unit=coach_unit),
        actor=OPERATOR,
    )
    gc.collect()
    assert not early.closed


def test_reserve_numbers_twice_in_a_file_refused_under_another_unit_held(coach_unit, other_unit):
    rows = [["Reservnummer", "Kön"], ["R2024-00007", "K"], ["R2024-00007", "K"]]
    result = do_import("participants", encode(rows), coach_unit)
    assert not result.committed
    assert result.errors.first[0].message == "Reservnumret finns redan på rad 2 i filen."
    assert do_import("participants", encode(rows[:2]), other_unit).committed
    result = do_import("participants", encode(rows[:2]), coach_unit)
    assert result.ok and result.created == 1  # as for anyone new: held for review
    conflict = RegistrationConflict.objects.get()
    assert conflict.requested_unit == coach_unit and conflict.held.reserve_number == "R2024-00007"
    assert conflict.participant.owning_unit == other_unit
