"""Batched writes into the register tables, one path per database engine.

Rows reach a writer in two kinds:

* **fresh** rows cannot collide with anything in the table (a participant who is not in the
  register yet; an enrolment of a participant who has none yet — duplicates within the file
  are refused before this), so they are plainly inserted;
* the **other** rows may match an existing row by natural key and are upserted.

SQLite: ``executemany`` of ``INSERT`` (fresh) and ``INSERT … ON CONFLICT … DO UPDATE`` (other)
straight into the table, inside the import's one transaction.

PostgreSQL: fresh rows are streamed with ``COPY`` straight into the table, so the server inserts
them while Python validates the next rows; the other rows are streamed with ``COPY`` into a
temporary table and moved with one ``INSERT … SELECT … ON CONFLICT … DO UPDATE`` at the end.
Nothing takes a lock that readers wait for: ``COPY`` and ``INSERT`` take the table's ROW
EXCLUSIVE lock, which conflicts with no ``SELECT``, and readers see the table as it was until
the import commits (MVCC). The foreign keys stay in place: dropping them for a bulk load (once
done here, for speed at commit) takes an ACCESS EXCLUSIVE lock that made every page reading
enrolments wait for the whole import.

Upserts update only the columns the file has and skip rows that would not change, so the
changed-row counts are real. Values reach the writers validated — codes from fixed lists,
dates, numbers, base64 text, never free text — so the COPY text format needs no escaping of
tabs or newlines (``_copy_text`` still refuses a backslash, cheaply). Table and column names
come from the code, never from the file, and are quoted.
"""

# ruff: noqa: S608 - identifiers are the code's own constants, quoted; values are parameters

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import connection

NULL = "\\N"


@dataclass(frozen=True)
class Target:
    """Where rows go: the table, its columns in row order, the conflict key, what to update."""

    table: str
    columns: tuple[str, ...]
    conflict: tuple[str, ...]
    update: tuple[str, ...]
    #: Only rows whose value in this column is not NULL belong to this target.
    when_not_null: str = ""
    #: The predicate of a partial unique index that is the conflict key (SQL, as the index
    #: has it), so that the database infers that index.
    conflict_where: str = ""


def _arbiter(target: Target) -> str:
    conflict = ", ".join(_q(c) for c in target.conflict)
    where = f" WHERE {target.conflict_where}" if target.conflict_where else ""
    return f"ON CONFLICT ({conflict}){where} "


def _q(name: str) -> str:
    return connection.ops.quote_name(name)


def _cols(target: Target) -> str:
    return ", ".join(_q(c) for c in target.columns)


def _changing(target: Target) -> list[str]:
    return [c for c in target.update if c != "updated_at"]


class SqliteWriter:
    """``executemany`` per target; rows of a target with ``when_not_null`` are picked out."""

    #: Page cache for the import's connection (KiB): the indexes of a million rows then stay
    #: in memory instead of being re-read from the file for every insert.
    CACHE_KIB = 64 * 1024

    def __init__(self, targets: Sequence[Target], *, bulk: bool = False) -> None:
        marks = ", ".join(["%s"] * len(targets[0].columns))
        self.insert = f"INSERT INTO {_q(targets[0].table)} ({_cols(targets[0])}) VALUES ({marks})"
        self.upserts = [(self._pick(t), self._upsert(t)) for t in targets]
        self.changed = 0
        with connection.cursor() as cursor:
            cursor.execute("PRAGMA cache_size")
            self._cache_before = cursor.fetchone()[0]
            cursor.execute(f"PRAGMA cache_size = -{self.CACHE_KIB}")

    @staticmethod
    def _pick(target: Target) -> int | None:
        return target.columns.index(target.when_not_null) if target.when_not_null else None

    def _upsert(self, target: Target) -> str:
        marks = ", ".join(["%s"] * len(target.columns))
        sql = f"INSERT INTO {_q(target.table)} ({_cols(target)}) VALUES ({marks}) " + _arbiter(
            target
        )
        changing = _changing(target)
        if not changing:
            return sql + "DO NOTHING"
        sets = ", ".join(f"{_q(c)} = excluded.{_q(c)}" for c in target.update)
        differs = " OR ".join(
            f"{_q(target.table)}.{_q(c)} IS NOT excluded.{_q(c)}" for c in changing
        )
        return sql + f"DO UPDATE SET {sets} WHERE {differs}"

    def write(self, rows: Sequence[Sequence], fresh: Sequence[Sequence] = ()) -> None:
        with connection.cursor() as cursor:
            if fresh:
                cursor.executemany(self.insert, fresh)
                self.changed += len(fresh)
            for pick, sql in self.upserts:
                chosen = rows if pick is None else [r for r in rows if r[pick] is not None]
                if chosen:
                    cursor.executemany(sql, chosen)
                    self.changed += max(cursor.rowcount, 0)

    def finish(self) -> int:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(self._cache_before)}")
        return self.changed


def _copy_value(value) -> str:
    if value is None:
        return NULL
    if value is True:
        return "t"
    if value is False:
        return "f"
    return str(value)


def _copy_text(rows: Sequence[Sequence]) -> str:
    text = "".join("\t".join(map(_copy_value, row)) + "\n" for row in rows)
    if "\\" in text.replace(NULL, ""):
        raise ValueError("a value for COPY holds a backslash")
    return text


class PostgresWriter:
    """COPY for fresh rows into the table, COPY into a temporary table and one upsert for the
    rest (see the module docstring)."""

    def __init__(self, targets: Sequence[Target], *, bulk: bool = False) -> None:
        self.targets = list(targets)
        self.table = targets[0].table
        self.temp = f"_import_{self.table}"
        cols = _cols(targets[0])
        with connection.cursor() as cursor:
            cursor.execute(f"DROP TABLE IF EXISTS {_q(self.temp)}")
            cursor.execute(
                f"CREATE TEMP TABLE {_q(self.temp)} ON COMMIT DROP AS "
                f"SELECT {cols} FROM {_q(self.table)} WITH NO DATA"
            )
        self.copy_temp = f"COPY {_q(self.temp)} ({cols}) FROM STDIN"
        self.copy_table = f"COPY {_q(self.table)} ({cols}) FROM STDIN"
        self.fresh = 0

    def write(self, rows: Sequence[Sequence], fresh: Sequence[Sequence] = ()) -> None:
        with connection.cursor() as cursor:
            if fresh:
                with cursor.cursor.copy(self.copy_table) as copy:
                    copy.write(_copy_text(fresh))
                self.fresh += len(fresh)
            if rows:
                with cursor.cursor.copy(self.copy_temp) as copy:
                    copy.write(_copy_text(rows))

    def finish(self) -> int:
        changed = self.fresh
        with connection.cursor() as cursor:
            for target in self.targets:
                cursor.execute(self._upsert(target))
                changed += max(cursor.rowcount, 0)
        return changed

    def _upsert(self, t: Target) -> str:
        cols = _cols(t)
        conflict = ", ".join(_q(c) for c in t.conflict)
        where = f" WHERE {_q(t.when_not_null)} IS NOT NULL" if t.when_not_null else ""
        sql = (
            f"INSERT INTO {_q(t.table)} ({cols}) SELECT {cols} FROM {_q(self.temp)}{where} "
            f"ORDER BY {conflict} "
        ) + _arbiter(t)
        changing = _changing(t)
        if not changing:
            return sql + "DO NOTHING"
        sets = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in t.update)
        old = ", ".join(f"{_q(t.table)}.{_q(c)}" for c in changing)
        new = ", ".join(f"EXCLUDED.{_q(c)}" for c in changing)
        return sql + f"DO UPDATE SET {sets} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"


def writer_for(targets: Sequence[Target], *, bulk: bool = False) -> SqliteWriter | PostgresWriter:
    """The writer for this database engine (the settings allow only these two)."""
    if connection.vendor == "postgresql":
        return PostgresWriter(targets, bulk=bulk)
    if connection.vendor == "sqlite":
        return SqliteWriter(targets, bulk=bulk)
    raise RuntimeError(f"imports do not support the {connection.vendor} engine")
