"""What the participant and the enrolment import share: scope, header, cells, batching.

Each importer validates one row at a time in a *row check* (a closure over lookups prepared
before the first row and per-value caches, because a file of a million enrolments repeats the
same few thousand dates and two hundred thousand numbers). :meth:`RowImporter.batches` runs
the check over every row and groups the valid ones into batches for the writer, the same way
for both kinds: once any row is invalid nothing more is collected, but every row is still
validated so that the error report lists them all.
"""

from __future__ import annotations

import datetime as dt
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

from django.db import connection
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.organisation.models import Unit

from .. import identity
from . import fields
from .fields import FieldError, HeaderProblem
from .report import ErrorSink, shown
from .sources import Formula, Table
from .writers import Target

BATCH = 20_000

#: A valid row as the writer takes it, and whether it is *fresh* (cannot match a stored row).
CheckedRow = tuple[tuple, bool]
RowCheck = Callable[[int, list[str]], CheckedRow | None]


@dataclass
class ImportScope:
    """Where an import may read and write.

    ``allowed_paths`` are the materialised paths of the units whose participants the import
    may see and change (a coach's units); None means the whole register (the command line).
    ``default_unit`` owns new participants whose row names no unit.
    """

    default_unit: Unit | None = None
    allowed_paths: tuple[str, ...] | None = None

    def covers(self, path: str) -> bool:
        return self.allowed_paths is None or path.startswith(self.allowed_paths)

    def participant_q(self) -> Q:
        if self.allowed_paths is None:
            return Q()
        q = Q(pk__in=[])
        for path in self.allowed_paths:
            # A participant shared with one of the units is theirs too (shared participation).
            q |= Q(owning_unit__path__startswith=path) | Q(shares__unit__path__startswith=path)
        return q


MISSING = object()


class Bad:
    """A cached validation failure (the message), so a repeated bad value costs a dict hit."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


class RowImporter(ABC):
    """One import of one kind: subclasses declare the columns and write :meth:`row_check`."""

    kind: str
    columns: dict[str, list[str]]
    #: The column of the written table that names the participant.
    participant_field = "participant_id"

    def __init__(self, table: Table, scope: ImportScope, sink: ErrorSink, today: dt.date):
        self.table = table
        self.scope = scope
        self.sink = sink
        self.today = today
        self.col: dict[str, int] = {}
        self.titles: dict[str, str] = {}
        self.width = len(table.header)
        self.now = timezone.now()
        self.now_db: Any = (
            connection.ops.adapt_datetimefield_value(self.now)
            if connection.vendor == "sqlite"
            else self.now.isoformat()
        )
        self._date_cache: dict[str, tuple[str, int] | Bad] = {}
        self.rows_read = 0
        #: Rows that passed their check (all rows read, while no row has failed).
        self.rows_valid = 0
        #: (participant, requested unit, number's key) of rows naming a person registered
        #: under a unit out of scope: written as registrations held for review.
        self.held: list[tuple[int, int, str]] = []

    # --- what a kind declares ---------------------------------------------------------------

    @abstractmethod
    def model(self) -> Any:
        """The model the rows become."""

    @abstractmethod
    def prepare(self) -> None:
        """Read the lookups the rows are checked against (inside the import's transaction)."""

    @abstractmethod
    def targets(self) -> list[Target]:
        """The columns the file may have, with the names they are known by."""

    def finish(self, run: Any, actor: Any) -> None:
        """After a committed import, inside its transaction (the run is recorded); a kind
        with nothing to do afterwards keeps this default."""
        return None

    @abstractmethod
    def row_check(self) -> RowCheck:
        """A function that validates one row: the row for the writer, or None (the errors
        are in the sink)."""

    # --- header ---------------------------------------------------------------------------

    def map_header(self) -> list[str]:
        self.col, unknown = fields.map_header(self.table.header, self.columns)
        self.titles = {name: shown(self.table.header[i].strip()) for name, i in self.col.items()}
        if "identity" not in self.col and "reserve_number" not in self.col:
            raise HeaderProblem(
                _("Filen saknar kolumnen Personnummer (eller Samordningsnummer, Reservnummer).")
            )
        return unknown

    def title(self, name: str) -> str:
        return self.titles.get(name, name)

    def changed_participants(self, model: Any) -> list[int]:
        """The participants whose rows this import wrote to ``model``: every written row
        carries the import's time in ``updated_at`` (rows that would not change are not
        written)."""
        written = model.objects.filter(updated_at__gte=self.now)
        return list(written.values_list(self.participant_field, flat=True).distinct())

    # --- the one batch path ---------------------------------------------------------------

    def batches(self) -> Iterator[tuple[list[tuple], list[tuple]]]:
        """``(rows, fresh)`` batches of valid rows; empty batches now and then while only
        validating, so that progress is still reported."""
        check = self.row_check()
        sink = self.sink
        batch: list[tuple] = []
        fresh: list[tuple] = []
        for number, cells in self.cells():
            checked = check(number, cells)
            if checked is None or sink.count:
                if self.rows_read % BATCH == 0:
                    yield [], []
                continue
            self.rows_valid += 1
            row, is_fresh = checked
            (fresh if is_fresh else batch).append(row)
            if len(batch) + len(fresh) >= BATCH:
                yield batch, fresh
                batch, fresh = [], []
        if batch or fresh:
            yield batch, fresh

    # --- helpers used per row ---------------------------------------------------------------

    def error(self, row: int, name: str, value: Any, message: str) -> None:
        if name in ("identity",):
            value = identity.mask(value)
        self.sink.add(row, self.title(name), shown(value), message)

    def missing_identity(self, row: int) -> None:
        """A row with neither an identity number nor a reserve number."""
        name = "identity" if "identity" in self.col else "reserve_number"
        self.sink.add(row, self.title(name), "", _("Identitetsnummer eller reservnummer saknas."))

    def date(self, raw: str) -> tuple[str, int] | Bad:
        """A date cell as (ISO text, ordinal), or why not; cached per distinct text."""
        got = self._date_cache.get(raw)
        if got is None:
            try:
                day = fields.parse_date(raw, self.today)
                got = (day.isoformat(), day.toordinal())
            except FieldError as exc:
                got = Bad(exc.message)
            self._date_cache[raw] = got
        return got

    def _width_ok(self, number: int, values: list) -> bool:
        """A row of the wrong width is an error, except trailing empty fields."""
        width = self.width
        if len(values) < width:
            self.sink.add(
                number,
                "",
                "",
                _(
                    "Raden har %(got)s fält men rubrikraden har %(want)s. Raden kan vara "
                    "avkortad eller ha fel avgränsare."
                )
                % {"got": len(values), "want": width},
            )
            return False
        if any(v not in ("", None) for v in values[width:]):
            self.sink.add(
                number,
                "",
                "",
                _("Raden har fler fält än rubrikraden (%(want)s).") % {"want": width},
            )
            return False
        return True

    def cells(self) -> Iterator[tuple[int, list[str]]]:
        """Rows as lists of stripped text the width of the header; short rows are errors."""
        width = self.width
        if self.table.format == "csv":
            # Text already: the validators strip what they read, and their caches see each
            # distinct cell text once, so the common case costs a length check per row.
            for number, values in self.table.rows:
                self.rows_read += 1
                if len(values) == width:
                    yield number, values
                elif self._width_ok(number, values):
                    yield number, values[:width]
            return
        for number, values in self.table.rows:
            self.rows_read += 1
            if len(values) < width:
                # A sheet's row ends with its last cell that holds anything.
                values = [*values, *([None] * (width - len(values)))]
            elif len(values) > width and not self._width_ok(number, values):
                continue
            out = []
            formula = None
            for index in range(width):
                value = values[index]
                if value is None:
                    out.append("")
                elif isinstance(value, str):
                    if isinstance(value, Formula):
                        formula = index
                    out.append(value.strip())
                else:
                    out.append(excel_text(value))
            if formula is not None:
                self.sink.add(
                    number,
                    shown(self.table.header[formula].strip()),
                    shown(out[formula]),
                    _(
                        "Cellen innehåller en formel. Spara värdena i stället för formlerna "
                        "(kopiera och klistra in som värden) och försök igen."
                    ),
                )
                continue
            yield number, out


def excel_text(value: Any) -> str:
    """A typed Excel value as the text a CSV export would have held."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, bool):
        return "ja" if value else "nej"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()
