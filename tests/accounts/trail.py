"""Helpers for tests that play the attacker on the access log."""

from __future__ import annotations

from contextlib import contextmanager

from django.db import connection


@contextmanager
def tampering():
    """Let the test change the log as a database superuser could: on PostgreSQL such a user
    can switch triggers off for their session, so the chain, not the trigger, must tell."""
    if connection.vendor != "postgresql":
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET session_replication_role = replica")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("SET session_replication_role = DEFAULT")
