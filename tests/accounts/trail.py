"""Helpers for tests that play the attacker on the access log."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection

TRIGGER = "accounts_accesslogentry_append_only"


@contextmanager
def tampering():
    """Let the test change the log as the database's owner could: on PostgreSQL the table's
    owner can switch the append-only trigger off, so the chain, not the trigger, must tell."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute(f"ALTER TABLE accounts_accesslogentry DISABLE TRIGGER {TRIGGER}")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"ALTER TABLE accounts_accesslogentry ENABLE TRIGGER {TRIGGER}")
