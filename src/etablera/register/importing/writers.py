"""Batched writes into the register tables, one path per database engine.

Rows reach a writer in two kinds:

* **fresh** rows cannot collide with anything in the table (a participant who is not in the
  register yet; an enrolment of a participant who has none yet — duplicates within the file
  are refused before this), so they are plainly inserted;
* the **other** rows may match an existing row by natural key and are upserted.

SQLite: ``executemany`` of ``INSERT`` (fresh) and ``INSERT … ON CONFLICT … DO UPDATE`` (other)
straight into the table, inside the import's one transaction (SQLite readers in WAL mode never
wait for a writer).

PostgreSQL: the rows are *staged* first. While the file is read and validated, each batch is
streamed with ``COPY`` into one of two temporary tables (fresh rows, other rows): session-local,
not written to the WAL, without indexes or foreign keys, invisible to every other connection and
dropped with the connection even when the process is killed — and no transaction on the register
is open meanwhile. Only then, in the import's final transaction, :meth:`PostgresWriter.finish`
moves them: one ``INSERT … SELECT`` of the fresh rows and one
``INSERT … SELECT … ON CONFLICT … DO UPDATE`` per target of the others, both in the order of the
natural-key index. So the register holds the import's uncommitted rows (which every reader's
scan would have to step over) and its row locks (which a coach saving the same person would
wait for) for the seconds of the merge, not for the whole import, and readers never wait at all:
``INSERT`` takes the table's ROW EXCLUSIVE lock, which conflicts with no ``SELECT``. The foreign
keys stay in place (dropping them for a bulk load, once done here, takes an ACCESS EXCLUSIVE
lock that every reader waits for).

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

from django.db import IntegrityError, connection

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
        return self.changed

    def close(self) -> None:
        with connection.cursor() as cursor:
            cursor.execute(f"PRAGMA cache_size = {int(self._cache_before)}")


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
    """Rows staged in temporary tables, moved into the register by :meth:`finish` (see the
    module docstring)."""

    def __init__(self, targets: Sequence[Target], *, bulk: bool = False) -> None:
        self.targets = list(targets)
        self.table = targets[0].table
        self.fresh_table = f"_import_fresh_{self.table}"
        self.other_table = f"_import_other_{self.table}"
        self.columns = _cols(targets[0])
        with connection.cursor() as cursor:
            for name in (self.fresh_table, self.other_table):
                cursor.execute(f"DROP TABLE IF EXISTS {_q(name)}")
                cursor.execute(
                    f"CREATE TEMP TABLE {_q(name)} AS "
                    f"SELECT {self.columns} FROM {_q(self.table)} WITH NO DATA"
                )
        self.copy_fresh = f"COPY {_q(self.fresh_table)} ({self.columns}) FROM STDIN"
        self.copy_other = f"COPY {_q(self.other_table)} ({self.columns}) FROM STDIN"
        self.fresh = 0

    def write(self, rows: Sequence[Sequence], fresh: Sequence[Sequence] = ()) -> None:
        with connection.cursor() as cursor:
            if fresh:
                with cursor.cursor.copy(self.copy_fresh) as copy:
                    copy.write(_copy_text(fresh))
                self.fresh += len(fresh)
            if rows:
                with cursor.cursor.copy(self.copy_other) as copy:
                    copy.write(_copy_text(rows))

    def finish(self) -> int:
        """Move the staged rows into the register (inside the import's final transaction);
        how many rows were inserted or changed."""
        changed = 0
        # In the order of the natural-key index, the rows go into it page after page instead
        # of at random places.
        order = ", ".join(_q(c) for c in self.targets[0].conflict)
        with connection.cursor() as cursor:
            # Enough memory to sort a million staged rows without spilling them to disk.
            cursor.execute("SET LOCAL work_mem = '256MB'")
            as_a_set = _may_check_keys_as_a_set(cursor, self.table)
            if as_a_set:
                for staging in (self.fresh_table, self.other_table):
                    _lock_and_check_references(cursor, self.table, staging)
                # The references were checked and locked above, once per distinct value:
                # the per-row checks would only repeat them.
                cursor.execute("SET LOCAL session_replication_role = replica")
            if self.fresh:
                cursor.execute(
                    f"INSERT INTO {_q(self.table)} ({self.columns}) "
                    f"SELECT {self.columns} FROM {_q(self.fresh_table)} ORDER BY {order}"
                )
                changed += max(cursor.rowcount, 0)
            for target in self.targets:
                cursor.execute(self._upsert(target))
                changed += max(cursor.rowcount, 0)
            if as_a_set:
                cursor.execute("SET LOCAL session_replication_role = origin")
        return changed

    def close(self) -> None:
        """Drop the staging tables (a connection that ends, a killed process's included, drops
        them by itself)."""
        with connection.cursor() as cursor:
            for name in (self.fresh_table, self.other_table):
                cursor.execute(f"DROP TABLE IF EXISTS {_q(name)}")

    def _upsert(self, t: Target) -> str:
        cols = _cols(t)
        conflict = ", ".join(_q(c) for c in t.conflict)
        where = f" WHERE {_q(t.when_not_null)} IS NOT NULL" if t.when_not_null else ""
        sql = (
            f"INSERT INTO {_q(t.table)} ({cols}) SELECT {cols} FROM {_q(self.other_table)}{where} "
            f"ORDER BY {conflict} "
        ) + _arbiter(t)
        changing = _changing(t)
        if not changing:
            return sql + "DO NOTHING"
        sets = ", ".join(f"{_q(c)} = EXCLUDED.{_q(c)}" for c in t.update)
        old = ", ".join(f"{_q(t.table)}.{_q(c)}" for c in changing)
        new = ", ".join(f"EXCLUDED.{_q(c)}" for c in changing)
        return sql + f"DO UPDATE SET {sets} WHERE ROW({old}) IS DISTINCT FROM ROW({new})"


def _may_check_keys_as_a_set(cursor, table: str) -> bool:
    """Whether the merge may check the foreign keys once per distinct value instead of once
    per row: the connection may set ``session_replication_role`` (a superuser, or a role
    granted ``SET ON PARAMETER session_replication_role``, PostgreSQL 15; the tables' owner can
    drop the keys anyway) and the table has no trigger but its keys' own, which the setting
    would also switch off. Otherwise every row is checked by its keys' triggers, as always.
    """
    cursor.execute(
        "SELECT has_parameter_privilege('session_replication_role', 'SET') "
        "AND NOT EXISTS (SELECT 1 FROM pg_trigger "
        "WHERE tgrelid = %s::regclass AND NOT tgisinternal)",
        [_q(table)],
    )
    return bool(cursor.fetchone()[0])


def _lock_and_check_references(cursor, table: str, staging: str) -> None:
    """What the foreign keys' triggers do for each row, once for all the staged rows: every
    row referred to is locked FOR KEY SHARE (no one can delete it until the import commits)
    and must exist, else IntegrityError."""
    cursor.execute(
        "SELECT a.attname, r.relname, ra.attname FROM pg_constraint c "
        "JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1] "
        "JOIN pg_class r ON r.oid = c.confrelid "
        "JOIN pg_attribute ra ON ra.attrelid = c.confrelid AND ra.attnum = c.confkey[1] "
        "WHERE c.conrelid = %s::regclass AND c.contype = 'f' AND cardinality(c.conkey) = 1",
        [_q(table)],
    )
    references = cursor.fetchall()
    # Only the keys the import writes: a foreign key the file has no column for (say a
    # participant's responsible coach) is left as the register has it.
    cursor.execute(
        "SELECT attname FROM pg_attribute WHERE attrelid = %s::regclass AND attnum > 0 "
        "AND NOT attisdropped",
        [_q(staging)],
    )
    staged = {name for (name,) in cursor.fetchall()}
    for column, referred, key in references:
        if column not in staged:
            continue
        cursor.execute(
            f"WITH wanted AS (SELECT DISTINCT {_q(column)} AS v FROM {_q(staging)} "
            f"WHERE {_q(column)} IS NOT NULL), "
            f"found AS (SELECT {_q(key)} FROM {_q(referred)} "
            f"WHERE {_q(key)} IN (SELECT v FROM wanted) FOR KEY SHARE) "
            "SELECT (SELECT count(*) FROM wanted) - (SELECT count(*) FROM found)"
        )
        if cursor.fetchone()[0]:
            raise IntegrityError(f"{table}.{column} refers to rows of {referred} that do not exist")


def writer_for(targets: Sequence[Target], *, bulk: bool = False) -> SqliteWriter | PostgresWriter:
    """The writer for this database engine (the settings allow only these two)."""
    if connection.vendor == "postgresql":
        return PostgresWriter(targets, bulk=bulk)
    if connection.vendor == "sqlite":
        return SqliteWriter(targets, bulk=bulk)
    raise RuntimeError(f"imports do not support the {connection.vendor} engine")
