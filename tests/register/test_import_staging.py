"""How an import writes: staged, then merged in one short transaction on PostgreSQL; in its one
transaction on SQLite. Either way all or nothing.

These tests run outside a test transaction (``transaction=True``), as an import runs in a
request, a job or the command.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection

from etablera.register.importing import writers
from etablera.register.models import Enrolment, ImportRun, ImportStatus, Participant
from tests.register.factories import EnrolmentFactory, InterventionFactory, next_number
from tests.register.test_import import do_import, encode, enrolment_rows, participant_rows

pytestmark = pytest.mark.django_db(transaction=True)

START = dt.date(2024, 1, 10)  # as enrolment_rows writes it
CHANGED = "Registret ändrades medan filen lästes in"


@pytest.fixture
def numbers():
    return [next_number() for _ in range(4)]


@pytest.fixture
def intervention(coach_unit):
    return InterventionFactory(code="PRAK", name="Praktik i kommunen", provider_unit=coach_unit)


def register_locks() -> int:
    """Locks this connection holds on the enrolment table (PostgreSQL)."""
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_locks WHERE pid = pg_backend_pid() "
            "AND relation = 'register_enrolment'::regclass"
        )
        return cursor.fetchone()[0]


def test_while_the_file_is_read_the_register_holds_nothing_of_the_import(
    coach_unit, numbers, intervention
):
    assert do_import("participants", encode(participant_rows(numbers)), coach_unit).committed
    seen = []

    def progress(rows: int, done: int, total: int) -> None:
        locks = register_locks() if connection.vendor == "postgresql" else 0
        seen.append((connection.in_atomic_block, Enrolment.objects.count(), locks))

    result = do_import("enrolments", encode(enrolment_rows(numbers)), coach_unit, progress=progress)
    assert result.committed and result.created == 4, result.errors.first
    assert Enrolment.objects.count() == 4
    assert seen
    if connection.vendor == "postgresql":
        # Staged: no transaction open, none of the rows in the register, no lock on it.
        assert set(seen) == {(False, 0, 0)}
    else:
        # SQLite writes inside its one transaction (readers, in WAL mode, never wait for it).
        assert all(in_transaction for in_transaction, _count, _locks in seen)


@pytest.mark.parametrize("change", ["same enrolment added", "participant deleted"])
def test_a_register_changed_under_the_import_refuses_the_file_whole(
    coach_unit, numbers, intervention, change
):
    """Between reading the file and the merge, someone adds the enrolment the file has, or
    deletes a participant it names: on PostgreSQL the merge breaks a key, nothing of the file
    is written and it is refused with a message to read it in again. On SQLite nobody can
    write between: the import holds the write lock from its first lookup to its commit."""
    assert do_import("participants", encode(participant_rows(numbers)), coach_unit).committed
    first = Participant.objects.order_by("pk").first()
    done = []

    def progress(rows: int, done_bytes: int, total: int) -> None:
        if connection.vendor != "postgresql":
            done.append(connection.in_atomic_block)
            return
        if change == "same enrolment added":
            EnrolmentFactory(participant=first, intervention=intervention, start=START)
        else:
            first.delete()
        done.append(True)

    result = do_import("enrolments", encode(enrolment_rows(numbers)), coach_unit, progress=progress)
    assert done and all(done)
    if connection.vendor != "postgresql":
        assert result.committed
        return
    assert not result.committed
    assert any(CHANGED in error.message for error in result.errors.first)
    expected = 1 if change == "same enrolment added" else 0
    assert Enrolment.objects.count() == expected
    assert ImportRun.objects.filter(kind="enrolments").get().status == ImportStatus.REJECTED


def test_the_keys_are_checked_row_by_row_where_they_cannot_be_checked_as_a_set(
    coach_unit, numbers, intervention, monkeypatch
):
    """A server role that may not set session_replication_role: the keys' own triggers check
    every row, and the import is the same."""
    monkeypatch.setattr(writers, "_may_check_keys_as_a_set", lambda cursor, table: False)
    assert do_import("participants", encode(participant_rows(numbers)), coach_unit).committed
    result = do_import("enrolments", encode(enrolment_rows(numbers)), coach_unit)
    assert result.committed and result.created == 4
    again = do_import("enrolments", encode(enrolment_rows(numbers, end="2024-05-31")), coach_unit)
    assert again.committed and again.updated == 4
