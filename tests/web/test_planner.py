"""SQLite's planner statistics come back after a migration rebuilt a table (which drops them)
and after an import; without them the participant list sorted the whole register."""

from __future__ import annotations

import pytest
from django.db import connection

from etablera.web import planner
from tests.factories import UnitFactory

pytestmark = pytest.mark.skipif(
    connection.vendor != "sqlite", reason="PostgreSQL analyses its tables by itself"
)


def _analysed() -> set[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        if not cursor.fetchone():
            return set()
        cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
        return {name for (name,) in cursor.fetchall()}


def test_tables_with_rows_and_no_statistics_are_analysed(db):
    UnitFactory.create_batch(3)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # creates sqlite_stat1 if need be
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'organisation_unit'")
    assert "organisation_unit" not in _analysed()
    found = planner.refresh()
    assert "organisation_unit" in found
    assert "organisation_unit" in _analysed()
    assert planner.refresh() == []  # nothing missing: nothing analysed again


def test_empty_tables_are_left_alone(db):
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute("DELETE FROM sqlite_stat1 WHERE tbl = 'register_participantshare'")
    assert "register_participantshare" not in planner.refresh()
    assert "register_participantshare" not in _analysed()
