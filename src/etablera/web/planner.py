"""The SQLite query planner's statistics, kept current.

SQLite picks its plans from ``sqlite_stat1``, which only ``ANALYZE`` writes. Without it the
planner guesses, and at the register's size it guesses badly: the coach's participant list,
read along the index of its order and stopping after 50 rows in 1 ms with statistics, was read
by unit, all 200,000 participants sorted, in 480 ms without them. The statistics go missing
when a migration rebuilds a table (SQLite alters a table by copying it, and the copy has none)
and go stale when a bulk import multiplies a table's rows. So they are refreshed after every
migration and every committed import. They are read in full: with SQLite's sampling limit
(``PRAGMA analysis_limit = 1000``) the participant table's estimates came out so skewed that
the planner chose the sort again (690 ms); reading it whole takes about 0.2 s per 200,000
rows, once. PostgreSQL needs none of this: its autovacuum analyses tables as they change.
"""

from __future__ import annotations

from django.db import DEFAULT_DB_ALIAS, connections


def refresh(using: str = DEFAULT_DB_ALIAS) -> list[str]:
    """Analyse the tables that have rows but no statistics, then let SQLite re-analyse what
    has grown (``PRAGMA optimize``). Returns the tables analysed for want of statistics."""
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'"
        )
        tables = [name for (name,) in cursor.fetchall()]
        cursor.execute("SELECT 1 FROM sqlite_master WHERE name = 'sqlite_stat1'")
        analysed: set[str] = set()
        if cursor.fetchone():
            cursor.execute("SELECT DISTINCT tbl FROM sqlite_stat1")
            analysed = {name for (name,) in cursor.fetchall()}
        missing = []
        for table in tables:
            if table in analysed:
                continue
            quoted = connection.ops.quote_name(table)
            # An empty table: nothing to learn. The name is SQLite's own, quoted.
            cursor.execute(f"SELECT 1 FROM {quoted} LIMIT 1")  # noqa: S608
            if cursor.fetchone():
                cursor.execute(f"ANALYZE {quoted}")
                missing.append(table)
        cursor.execute("PRAGMA optimize")
    return missing


def after_migrate(sender, using: str = DEFAULT_DB_ALIAS, plan=None, **kwargs) -> None:
    """post_migrate: statistics for the tables a migration rebuilt."""
    if plan:
        refresh(using)
