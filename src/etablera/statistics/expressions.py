"""Date arithmetic that SQLite and PostgreSQL each compute natively, for the KPI queries and
the facts.
"""

from __future__ import annotations

from typing import Any

from django.db.models import (
    Func,
    IntegerField,
)


class DaysBetween(Func):
    """Whole days from ``earlier`` to ``later`` (``later − earlier``); NULL if either is."""

    output_field = IntegerField()
    arity = 2

    def __init__(self, later: Any, earlier: Any) -> None:
        super().__init__(later, earlier)

    def as_sql(self, compiler, connection, **extra_context):  # PostgreSQL: date − date
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"(({later})::date - ({earlier})::date)", [*later_params, *earlier_params]

    def as_sqlite(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return (
            f"CAST(ROUND(julianday({later}) - julianday({earlier})) AS INTEGER)",
            [*later_params, *earlier_params],
        )


class Unindexed(Func):
    """A column compared without its index on SQLite (``+column``).

    A year of a ten-year register is a tenth of the rows, scattered over the whole table: read
    through the index on ``start``, every one of them costs a random page read, while a scan
    reads each page once. PostgreSQL's planner weighs that itself.
    """

    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        return compiler.compile(self.source_expressions[0])

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"+{sql}", params

    @property
    def output_field(self):  # type: ignore[override]
        return self.source_expressions[0].output_field


class YearOf(Func):
    """The calendar year of a date, as an integer."""

    output_field = IntegerField()
    arity = 1

    def as_sql(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(EXTRACT(YEAR FROM {sql}) AS INTEGER)", params

    def as_sqlite(self, compiler, connection, **extra_context):
        sql, params = compiler.compile(self.source_expressions[0])
        return f"CAST(substr({sql}, 1, 4) AS INTEGER)", params
