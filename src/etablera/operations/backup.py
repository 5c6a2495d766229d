"""Backup and restore of the whole database.

* **SQLite**: SQLite's online backup API copies the database in one step from a read
  transaction, so the copy is one consistent moment, while writers go on (WAL). The copy is
  checked (``PRAGMA integrity_check``), made a single self-contained file and renamed into
  place only when complete.
* **PostgreSQL**: ``pg_dump --format=custom``, which reads in one snapshot transaction;
  ``pg_restore --single-transaction --exit-on-error`` restores it all or nothing.

A restore goes only into an empty database, and only when the backup's data key check value
(``register.DataKeyCheck``) is that of the configured ``ETABLERA_DATA_KEY``: a restored server
with another key would fail to decrypt, find nobody by number and register duplicates.
"""

from __future__ import annotations

import hmac
import os
import re
import shutil
import sqlite3
import subprocess
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from etablera.register import crypto
from etablera.register.keycheck import verify

KEY_TABLE = "register_datakeycheck"
PARTICIPANT_TABLE = "register_participant"


class OperationFailed(Exception):
    """A backup or restore that cannot be done; nothing was changed (one line for the user)."""


# --- helpers ---------------------------------------------------------------------------------


def _pg_tool(name: str) -> str:
    configured = os.environ.get("ETABLERA_PG_BIN")
    candidates = [Path(configured) / name] if configured else []
    found = shutil.which(name)
    if found:
        candidates.append(Path(found))
    candidates += sorted(Path("/usr/lib/postgresql").glob(f"*/bin/{name}"), reverse=True)
    for candidate in candidates:
        if candidate.is_file():
            return str(candidate)
    raise OperationFailed(
        f"{name} was not found: install the PostgreSQL client (or set ETABLERA_PG_BIN)."
    )


def _pg_env() -> tuple[dict[str, str], str]:
    db = settings.DATABASES["default"]
    env = dict(os.environ)
    for key, variable in (
        ("HOST", "PGHOST"),
        ("PORT", "PGPORT"),
        ("USER", "PGUSER"),
        ("PASSWORD", "PGPASSWORD"),
    ):
        if db.get(key):
            env[variable] = str(db[key])
    return env, db["NAME"]


def _run(args: list[str], env: dict[str, str]) -> subprocess.CompletedProcess:
    done = subprocess.run(args, env=env, capture_output=True, text=True)  # noqa: S603
    if done.returncode != 0:
        last = (done.stderr.strip().splitlines() or ["(no message)"])[-1]
        raise OperationFailed(f"{Path(args[0]).name} failed: {last}")
    return done


def _key_matches(value: str | None, tokens: list[str]) -> bool:
    """Whether the configured key is the backup's, by its check value or, in a backup from
    before the check, by decrypting its stored numbers."""
    if value is not None:
        return hmac.compare_digest(value, crypto.check_value())
    try:
        for token in tokens:
            crypto.decrypt(token)
    except crypto.DecryptionError:
        return False
    return True


WRONG_KEY = (
    "The backup's identity numbers are encrypted with another data key than ETABLERA_DATA_KEY; "
    "nothing was restored. Set ETABLERA_DATA_KEY to the key in use when the backup was made "
    "(see docs/operations.md, key escrow)."
)


def database_is_empty() -> bool:
    with connection.cursor() as cursor:
        return not connection.introspection.table_names(cursor)


# --- backup ----------------------------------------------------------------------------------


def backup(target: Path) -> int:
    """Write a consistent backup of the database to ``target``; its size in bytes."""
    target = Path(target)
    if target.exists():
        raise OperationFailed(f"{target} exists already; give a new file name.")
    if not target.parent.is_dir():
        raise OperationFailed(f"The folder {target.parent} does not exist.")
    partial = Path(
        tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".partial")[1]
    )
    try:
        if connection.vendor == "sqlite":
            _backup_sqlite(partial)
        else:
            env, name = _pg_env()
            _run(
                [
                    _pg_tool("pg_dump"),
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={partial}",
                    name,
                ],
                env,
            )
        with partial.open("rb") as written:
            os.fsync(written.fileno())
        os.replace(partial, target)
    finally:
        partial.unlink(missing_ok=True)
    return target.stat().st_size


def _regexp(pattern: str, value) -> bool:
    return value is not None and re.search(pattern, str(value)) is not None


def _backup_sqlite(partial: Path) -> None:
    connection.ensure_connection()
    source = connection.connection
    partial.unlink(missing_ok=True)
    copy = sqlite3.connect(partial)
    try:
        # pages=-1: the whole database in one step, from one read transaction.
        source.backup(copy, pages=-1)
        copy.execute("PRAGMA journal_mode=DELETE")
        # The integrity check evaluates CHECK constraints, some of which use Django's REGEXP.
        copy.create_function("REGEXP", 2, _regexp, deterministic=True)
        (result,) = copy.execute("PRAGMA integrity_check").fetchone()
        if result != "ok":
            raise OperationFailed(f"The copy failed SQLite's integrity check: {result}")
    finally:
        copy.close()


# --- restore ---------------------------------------------------------------------------------


def restore(source: Path) -> None:
    """Restore the backup ``source`` into the (empty) database, after checking its data key."""
    source = Path(source)
    if not source.is_file():
        raise OperationFailed(f"{source} is not a file.")
    if not database_is_empty():
        raise OperationFailed(
            "The database is not empty; nothing was restored. Restore into a new, empty "
            "database (a new SQLite file, or `createdb` on PostgreSQL)."
        )
    if connection.vendor == "sqlite":
        _restore_sqlite(source)
    else:
        _restore_postgresql(source)
    verify()


def _restore_sqlite(source: Path) -> None:
    try:
        backup_db = sqlite3.connect(f"file:{source}?mode=ro", uri=True)
        try:
            tables = {row[0] for row in backup_db.execute("SELECT name FROM sqlite_master")}
            if KEY_TABLE not in tables or PARTICIPANT_TABLE not in tables:
                raise OperationFailed(f"{source} is not a backup of an Etablera database.")
            row = backup_db.execute(f"SELECT value FROM {KEY_TABLE} LIMIT 1").fetchone()  # noqa: S608
            tokens = [
                t
                for (t,) in backup_db.execute(
                    f"SELECT identity_encrypted FROM {PARTICIPANT_TABLE} "  # noqa: S608
                    "WHERE identity_encrypted != '' LIMIT 20"
                )
            ]
            if not _key_matches(row[0] if row else None, tokens):
                raise OperationFailed(WRONG_KEY)
            connection.ensure_connection()
            backup_db.backup(connection.connection, pages=-1)
        finally:
            backup_db.close()
    except sqlite3.DatabaseError as exc:
        raise OperationFailed(f"{source} cannot be read as an SQLite backup ({exc}).") from exc
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA journal_mode=WAL")


def _pg_backup_rows(source: Path, table: str, env: dict[str, str]) -> list[list[str]] | None:
    """The rows of ``table`` in a custom-format dump (None when it has no such table)."""
    listing = _run([_pg_tool("pg_restore"), "--list", str(source)], env).stdout
    if f" {table} " not in listing:
        return None
    text = _run(
        [_pg_tool("pg_restore"), "--data-only", f"--table={table}", "--file=-", str(source)],
        env,
    ).stdout
    rows, inside = [], False
    for line in text.splitlines():
        if line.startswith("COPY "):
            inside = True
        elif inside and line == "\\.":
            inside = False
        elif inside:
            rows.append(line.split("\t"))
    return rows


def _restore_postgresql(source: Path) -> None:
    env, name = _pg_env()
    check = _pg_backup_rows(source, KEY_TABLE, env)
    participants = _pg_backup_rows(source, PARTICIPANT_TABLE, env)
    if check is None or participants is None:
        raise OperationFailed(f"{source} is not a backup of an Etablera database.")
    value = check[0][1] if check else None
    tokens: list[str] = []
    if value is None:
        # Without a check value, prove the key on the numbers themselves (column by prefix).
        tokens = [cell for row in participants for cell in row if cell.startswith(crypto.PREFIX)][
            :20
        ]
    if not _key_matches(value, tokens):
        raise OperationFailed(WRONG_KEY)
    connection.close()
    _run(
        [
            _pg_tool("pg_restore"),
            "--no-owner",
            "--no-privileges",
            "--exit-on-error",
            "--single-transaction",
            f"--dbname={name}",
            str(source),
        ],
        env,
    )


__all__ = ["OperationFailed", "backup", "database_is_empty", "restore"]
