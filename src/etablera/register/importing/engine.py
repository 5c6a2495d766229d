"""Importing participants and enrolments: validate every row, then write all or nothing.

The file is read once, as a stream. Each row is validated in Python against lookups prepared
before the first row (interventions by code and name, status categories, the participants in
scope by keyed hash and reserve number) and with per-value caches, because a file of a million
enrolments repeats the same few thousand dates and two hundred thousand numbers. Valid rows are
written in batches inside one transaction; the first invalid row stops the writing but not the
validation, so the error report lists every bad row, and the transaction is rolled back.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts.access_log import log_access
from etablera.organisation.models import Unit

from .. import crypto, identity
from ..models import (
    Enrolment,
    IdentityKind,
    ImportKind,
    ImportRun,
    ImportStatus,
    Intervention,
    Participant,
    StatusCategory,
)
from ..signals import register_changed
from . import fields
from .fields import FieldError, HeaderProblem
from .sources import FileProblem, Formula, Table, open_table
from .writers import Target, writer_for

BATCH = 20_000
#: From this many rows (estimated from the file) an import is a bulk load: see writers.py.
BULK_ROWS = 50_000
MAX_VALUE_SHOWN = 60


@dataclass
class RowError:
    row: int
    column: str
    value: str
    message: str


class ErrorSink:
    """Every error, in order: the first ``keep`` in memory for pages, all to ``out`` if given."""

    HEADER = ["rad", "kolumn", "värde", "fel"]

    def __init__(self, out: IO[str] | None = None, keep: int = 1000) -> None:
        self.keep = keep
        self.first: list[RowError] = []
        self.count = 0
        self.rows: set[int] = set()
        self._writer = csv.writer(out, delimiter=";") if out is not None else None
        if self._writer:
            self._writer.writerow(self.HEADER)

    def add(self, row: int, column: str, value: str, message: str) -> None:
        value = identity.redact(value)
        self.count += 1
        self.rows.add(row)
        error = RowError(row, column, value, message)
        if len(self.first) < self.keep:
            self.first.append(error)
        if self._writer:
            self._writer.writerow([row, column, value, message])


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
            q |= Q(owning_unit__path__startswith=path)
        return q


@dataclass
class ImportResult:
    kind: str
    file_name: str
    dry_run: bool
    format: str = ""
    encoding: str = ""
    delimiter: str = ""
    rows: int = 0
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    committed: bool = False
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    errors: ErrorSink = field(default_factory=ErrorSink)
    run: ImportRun | None = None

    @property
    def ok(self) -> bool:
        return self.errors.count == 0

    @property
    def bad_rows(self) -> int:
        return len(self.errors.rows - {0})

    @property
    def delimiter_name(self) -> str:
        names = {";": _("semikolon"), ",": _("komma"), "\t": _("tabb")}
        return str(names.get(self.delimiter, self.delimiter))

    @property
    def rows_per_second(self) -> float:
        return self.rows / self.seconds if self.seconds else 0.0


_MISSING = object()


class _Bad:
    """A cached validation failure (the message), so a repeated bad value costs a dict hit."""

    __slots__ = ("message",)

    def __init__(self, message: str) -> None:
        self.message = message


def _shown(value: Any) -> str:
    text = "" if value is None else str(value)
    return text if len(text) <= MAX_VALUE_SHOWN else text[: MAX_VALUE_SHOWN - 1] + "…"


class _Importer:
    kind: str
    columns: dict[str, list[str]]

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
        self._date_cache: dict[str, tuple[str, int] | _Bad] = {}
        self.rows_read = 0

    # --- header ---------------------------------------------------------------------------

    def map_header(self) -> list[str]:
        self.col, unknown = fields.map_header(self.table.header, self.columns)
        self.titles = {name: self.table.header[i].strip() for name, i in self.col.items()}
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
        field = "pk" if model is Participant else "participant_id"
        return list(written.values_list(field, flat=True).distinct())

    # --- helpers used per row ---------------------------------------------------------------

    def error(self, row: int, name: str, value: Any, message: str) -> None:
        if name in ("identity",):
            value = identity.mask(value)
        self.sink.add(row, self.title(name), _shown(value), message)

    def date(self, raw: str) -> tuple[str, int] | _Bad:
        """A date cell as (ISO text, ordinal), or why not; cached per distinct text."""
        got = self._date_cache.get(raw)
        if got is None:
            try:
                day = fields.parse_date(raw, self.today)
                got = (day.isoformat(), day.toordinal())
            except FieldError as exc:
                got = _Bad(exc.message)
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
            if len(values) != width and not self._width_ok(number, values):
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
                    out.append(_excel_text(value))
            if formula is not None:
                self.sink.add(
                    number,
                    self.table.header[formula].strip(),
                    _shown(out[formula]),
                    _(
                        "Cellen innehåller en formel. Spara värdena i stället för formlerna "
                        "(kopiera och klistra in som värden) och försök igen."
                    ),
                )
                continue
            yield number, out


def _excel_text(value: Any) -> str:
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


class ParticipantImporter(_Importer):
    kind = ImportKind.PARTICIPANTS
    columns = fields.PARTICIPANT_COLUMNS
    COLUMNS = (
        "identity_kind",
        "identity_encrypted",
        "identity_hash",
        "masked_identity",
        "reserve_number",
        "birth_year",
        "gender",
        "country_of_birth",
        "received_on",
        "education_level",
        "in_establishment_programme",
        "referred_by",
        "consent_to_follow_up",
        "owning_unit_id",
        "created_at",
        "updated_at",
    )
    UPDATABLE = (
        "birth_year",
        "gender",
        "country_of_birth",
        "received_on",
        "education_level",
        "in_establishment_programme",
        "referred_by",
        "consent_to_follow_up",
    )

    def model(self):
        return Participant

    def prepare(self) -> None:
        self.keys = crypto.keys()
        # Every participant, not only those in scope: a number that exists under another unit
        # must be refused, not duplicated. Only (hash or reserve number, pk, unit path) is read.
        self.by_hash: dict[str, tuple[int, str]] = {}
        self.by_reserve: dict[str, tuple[int, str]] = {}
        for pk, hashed, reserve, path in Participant.objects.values_list(
            "pk", "identity_hash", "reserve_number", "owning_unit__path"
        ).iterator(chunk_size=20_000):
            if hashed:
                self.by_hash[hashed] = (pk, path)
            elif reserve:
                self.by_reserve[reserve] = (pk, path)
        self.units_by_id: dict[str, Unit] = {}
        self.units_by_name: dict[str, list[Unit]] = {}
        for unit in Unit.objects.all():
            self.units_by_id[str(unit.pk)] = unit
            self.units_by_name.setdefault(fields.normalise(unit.name), []).append(unit)
        if "owning_unit" not in self.col and self.scope.default_unit is None:
            raise HeaderProblem(
                _(
                    "Ange vilken enhet deltagarna hör till: välj enhet vid importen eller lägg "
                    "till kolumnen Enhet."
                )
            )

    def targets(self) -> list[Target]:
        update = (*(c for c in self.UPDATABLE if self._present(c)), "updated_at")
        return [
            Target(
                "register_participant",
                self.COLUMNS,
                ("identity_hash",),
                update,
                when_not_null="identity_hash",
            ),
            Target(
                "register_participant",
                self.COLUMNS,
                ("reserve_number",),
                update,
                when_not_null="reserve_number",
            ),
        ]

    def _present(self, name: str) -> bool:
        return name in self.col

    def _unit(self, raw: str) -> Unit | _Bad:
        if not raw:
            if self.scope.default_unit is None:
                return _Bad(_("Ange enhet."))
            return self.scope.default_unit
        raw = raw.strip()
        unit = self.units_by_id.get(raw)
        if unit is None:
            found = self.units_by_name.get(fields.normalise(raw), [])
            if len(found) > 1:
                return _Bad(_("Flera enheter heter så. Ange enhetens id i stället."))
            unit = found[0] if found else None
        if unit is None:
            return _Bad(_("Okänd enhet."))
        if not self.scope.covers(unit.path):
            return _Bad(_("Du kan bara importera deltagare till dina egna enheter."))
        return unit

    def _unique(
        self,
        number: int,
        name: str,
        raw: str,
        first: int | None,
        existing: tuple[int, str] | None,
        in_file: str,
        elsewhere: str,
    ) -> bool:
        """Whether a person's number is new in the file and, if already in the register, is
        there under a unit of this import; else the row's error (``in_file`` takes the row)."""
        if first is not None:
            self.error(number, name, raw, in_file % {"row": first})
            return False
        if existing is not None and not self.scope.covers(existing[1]):
            self.error(number, name, raw, elsewhere)
            return False
        return True

    def rows(self) -> Iterator[tuple[list[tuple], list[tuple]]]:
        col = self.col
        i_id, i_res = col.get("identity"), col.get("reserve_number")
        i_unit = col.get("owning_unit")
        parse_opt: list[tuple[str, int, Callable[[str], Any], dict[str, Any]]] = []
        simple = {
            "gender": lambda v: fields.parse_gender(v, ""),
            "country_of_birth": fields.parse_country,
            "education_level": lambda v: fields.parse_education(v, "unknown"),
            "referred_by": lambda v: fields.parse_referred_by(v, "other"),
            "in_establishment_programme": fields.parse_bool,
            "consent_to_follow_up": fields.parse_bool,
            "birth_year": lambda v: fields.parse_year(v, self.today),
        }
        for name, parser in simple.items():
            if name in col:
                parse_opt.append((name, col[name], parser, {}))
        i_received = col.get("received_on")
        unit_cache: dict[str, Unit | _Bad] = {}
        seen_hash: dict[str, int] = {}
        seen_reserve: dict[str, int] = {}
        keys = self.keys
        now = self.now_db
        batch: list[tuple] = []
        fresh: list[tuple] = []
        for number, cells in self.cells():
            ok = True
            values: dict[str, Any] = {}
            for name, index, parser, cache in parse_opt:
                raw = cells[index]
                value = cache.get(raw, _MISSING)
                if value is _MISSING:
                    try:
                        value = parser(raw)
                    except FieldError as exc:
                        value = _Bad(exc.message)
                    cache[raw] = value
                if isinstance(value, _Bad):
                    self.error(number, name, raw, value.message)
                    ok = False
                else:
                    values[name] = value
            received = None
            if i_received is not None and cells[i_received]:
                got = self.date(cells[i_received])
                if isinstance(got, _Bad):
                    self.error(number, "received_on", cells[i_received], got.message)
                    ok = False
                elif got[0] > self.today.isoformat():
                    self.error(
                        number,
                        "received_on",
                        cells[i_received],
                        _("Datumet för kommunmottagande ligger i framtiden."),
                    )
                    ok = False
                else:
                    received = got[0]
            raw_unit = cells[i_unit] if i_unit is not None else ""
            unit = unit_cache.get(raw_unit)
            if unit is None:
                unit = unit_cache[raw_unit] = self._unit(raw_unit)
            if isinstance(unit, _Bad):
                self.error(number, "owning_unit", raw_unit, unit.message)
                ok = False

            raw_id = cells[i_id].strip() if i_id is not None else ""
            raw_res = cells[i_res].strip() if i_res is not None else ""
            kind = encrypted = hashed = reserve = existing = None
            masked = ""
            derived_year = derived_gender = None
            if raw_id and raw_res:
                self.error(
                    number,
                    "reserve_number",
                    raw_res,
                    _("Ange antingen identitetsnummer eller reservnummer, inte båda."),
                )
                ok = False
            elif raw_id:
                try:
                    parsed = identity.parse(raw_id, self.today)
                except identity.InvalidIdentityNumber as exc:
                    self.error(number, "identity", raw_id, str(exc.message))
                    ok = False
                else:
                    hashed = crypto.lookup_hash(parsed.canonical, keys)
                    existing = self.by_hash.get(hashed)
                    ok &= self._unique(
                        number,
                        "identity",
                        raw_id,
                        seen_hash.get(hashed),
                        existing,
                        _("Personen finns redan på rad %(row)s i filen."),
                        _(
                            "Personen finns redan i registret hos en annan enhet. "
                            "Kontakta registeransvarig."
                        ),
                    )
                    seen_hash[hashed] = number
                    kind = parsed.kind
                    masked = parsed.masked
                    derived_year, derived_gender = parsed.birth_year, parsed.gender
                    if existing is None and ok:
                        encrypted = crypto.encrypt(parsed.canonical, keys)
                    else:
                        encrypted = ""
            elif raw_res:
                try:
                    reserve = identity.normalise_reserve_number(raw_res)
                except identity.InvalidIdentityNumber as exc:
                    self.error(number, "reserve_number", raw_res, str(exc.message))
                    ok = False
                else:
                    existing = self.by_reserve.get(reserve)
                    ok &= self._unique(
                        number,
                        "reserve_number",
                        raw_res,
                        seen_reserve.get(reserve),
                        existing,
                        _("Reservnumret finns redan på rad %(row)s i filen."),
                        _(
                            "Reservnumret finns redan i registret hos en annan enhet. "
                            "Kontakta registeransvarig."
                        ),
                    )
                    seen_reserve[reserve] = number
                    kind = IdentityKind.RESERVE
            else:
                self.sink.add(
                    number,
                    self.title("identity" if i_id is not None else "reserve_number"),
                    "",
                    _("Identitetsnummer eller reservnummer saknas."),
                )
                ok = False

            year = values.get("birth_year")
            if year is not None and derived_year is not None and year != derived_year:
                self.error(
                    number,
                    "birth_year",
                    year,
                    _("Födelseåret stämmer inte med identitetsnumret."),
                )
                ok = False
            if not ok or self.sink.count:
                if self.rows_read % BATCH == 0:
                    yield [], []
                continue
            (fresh if existing is None else batch).append(
                (
                    kind,
                    encrypted or "",
                    hashed,
                    masked,
                    reserve,
                    year if year is not None else derived_year,
                    values.get("gender") or derived_gender or "X",
                    values.get("country_of_birth", ""),
                    received,
                    values.get("education_level", "unknown"),
                    values.get("in_establishment_programme", False),
                    values.get("referred_by", "other"),
                    values.get("consent_to_follow_up", False),
                    unit.pk,  # type: ignore[union-attr]
                    now,
                    now,
                )
            )
            if len(batch) + len(fresh) >= BATCH:
                yield batch, fresh
                batch, fresh = [], []
        if batch or fresh:
            yield batch, fresh


class EnrolmentImporter(_Importer):
    kind = ImportKind.ENROLMENTS
    columns = fields.ENROLMENT_COLUMNS
    COLUMNS = (
        "participant_id",
        "intervention_id",
        "start",
        "planned_end",
        "end",
        "status_at_start_id",
        "livelihood_at_start",
        "exit_status_id",
        "hours_per_week",
        "created_at",
        "updated_at",
    )
    UPDATABLE = {
        "planned_end": "planned_end",
        "end": "end",
        "status_at_start": "status_at_start_id",
        "livelihood_at_start": "livelihood_at_start",
        "exit_status": "exit_status_id",
        "hours_per_week": "hours_per_week",
    }

    def model(self):
        return Enrolment

    def prepare(self) -> None:
        if "intervention" not in self.col and "intervention_code" not in self.col:
            raise HeaderProblem(_("Filen saknar kolumnen Insats (eller Insatskod)."))
        if "start" not in self.col:
            raise HeaderProblem(_("Filen saknar kolumnen Startdatum."))
        if ("end" in self.col) != ("exit_status" in self.col):
            raise HeaderProblem(
                _("Kolumnerna Slutdatum och Status vid avslut hör ihop: ta med båda eller ingen.")
            )
        keys = crypto.keys()
        self.keys = keys
        self.by_hash: dict[str, int] = {}
        self.by_reserve: dict[str, int] = {}
        scoped = Participant.objects.filter(self.scope.participant_q())
        for pk, hashed, reserve in scoped.values_list(
            "pk", "identity_hash", "reserve_number"
        ).iterator(chunk_size=20_000):
            if hashed:
                self.by_hash[hashed] = pk
            elif reserve:
                self.by_reserve[reserve] = pk
        # Participants who already have enrolments: only their rows can match an existing one.
        self.with_enrolments: set[int] = set(
            Enrolment.objects.values_list("participant_id", flat=True).distinct()
        )
        self.interventions_by_code: dict[str, int | _Bad] = {}
        self.interventions_by_name: dict[str, list[int]] = {}
        for pk, code, name in Intervention.objects.values_list("pk", "code", "name"):
            if code:
                key = fields.normalise(code)
                # Codes are unique as written; two that differ only in case or punctuation
                # cannot be told apart in a file.
                self.interventions_by_code[key] = (
                    _Bad(_("Flera insatser har den koden. Rätta koderna i Etablera."))
                    if key in self.interventions_by_code
                    else pk
                )
            self.interventions_by_name.setdefault(fields.normalise(name), []).append(pk)
        self.statuses: dict[str, int | _Bad] = {}
        for category in StatusCategory.objects.all():
            value: int | _Bad = (
                category.pk
                if category.active
                else _Bad(_("Statusen används inte längre. Välj en aktiv status."))
            )
            self.statuses[fields.normalise(category.code)] = value
            self.statuses[fields.normalise(category.name)] = value
        self.unknown_status = StatusCategory.objects.get(code="unknown").pk
        self.status_names = ", ".join(
            StatusCategory.objects.active().values_list("name", flat=True)
        )

    def targets(self) -> list[Target]:
        update = tuple(db for name, db in self.UPDATABLE.items() if name in self.col)
        return [
            Target(
                "register_enrolment",
                self.COLUMNS,
                ("participant_id", "intervention_id", "start"),
                (*update, "updated_at"),
            )
        ]

    def _participant(self, raw: str, reserve: bool) -> int | _Bad:
        if reserve:
            try:
                value = identity.normalise_reserve_number(raw)
            except identity.InvalidIdentityNumber as exc:
                return _Bad(str(exc.message))
            pk = self.by_reserve.get(value)
        else:
            try:
                parsed = identity.parse(raw, self.today)
            except identity.InvalidIdentityNumber as exc:
                return _Bad(str(exc.message))
            pk = self.by_hash.get(crypto.lookup_hash(parsed.canonical, self.keys))
        if pk is None:
            return _Bad(
                _(
                    "Deltagaren finns inte i registret (eller hör inte till dina enheter). "
                    "Importera deltagarna först."
                )
            )
        return pk

    def _intervention(self, code: str, name: str) -> int | _Bad:
        for raw in (code, name):
            if not raw:
                continue
            key = fields.normalise(raw)
            by_code = self.interventions_by_code.get(key)
            if by_code is not None:
                return by_code
            named = self.interventions_by_name.get(key, [])
            if len(named) == 1:
                return named[0]
            if len(named) > 1:
                return _Bad(_("Flera insatser heter så. Ange insatskoden i stället."))
        if not code and not name:
            return _Bad(_("Insats saknas."))
        return _Bad(_("Okänd insats. Lägg upp insatsen i Etablera först eller rätta namnet."))

    def _status(self, raw: str, required: bool) -> int | _Bad | None:
        if not raw:
            return self.unknown_status if not required else None
        found = self.statuses.get(fields.normalise(raw))
        if found is None:
            return _Bad(_("Okänd status. Tillåtna: %(names)s.") % {"names": self.status_names})
        return found

    def rows(self) -> Iterator[tuple[list[tuple], list[tuple]]]:
        col = self.col
        i_id, i_res = col.get("identity"), col.get("reserve_number")
        i_code, i_name = col.get("intervention_code"), col.get("intervention")
        i_start = col["start"]
        i_planned, i_end = col.get("planned_end"), col.get("end")
        i_sstart, i_live = col.get("status_at_start"), col.get("livelihood_at_start")
        i_exit, i_hours = col.get("exit_status"), col.get("hours_per_week")
        today_iso = self.today.isoformat()
        latest_start = (self.today + dt.timedelta(days=366)).isoformat()
        p_cache: dict[str, int | _Bad] = {}
        r_cache: dict[str, int | _Bad] = {}
        iv_cache: dict[tuple[str, str], int | _Bad] = {}
        s_cache: dict[str, int | _Bad | None] = {}
        e_cache: dict[str, int | _Bad | None] = {}
        l_cache: dict[str, str | _Bad] = {}
        h_cache: dict[str, Any] = {}
        seen: dict[int, int] = {}
        date = self.date
        dates = self._date_cache
        unknown_status = self.unknown_status
        now = self.now_db
        known = self.with_enrolments
        batch: list[tuple] = []
        fresh: list[tuple] = []
        error = self.error
        for number, cells in self.cells():
            ok = True
            raw_id = cells[i_id] if i_id is not None else ""
            raw_res = cells[i_res] if i_res is not None else ""
            if raw_id:
                pid = p_cache.get(raw_id)
                if pid is None:
                    pid = p_cache[raw_id] = self._participant(raw_id, reserve=False)
                if isinstance(pid, _Bad):
                    error(number, "identity", raw_id, pid.message)
                    ok = False
            elif raw_res:
                pid = r_cache.get(raw_res)
                if pid is None:
                    pid = r_cache[raw_res] = self._participant(raw_res, reserve=True)
                if isinstance(pid, _Bad):
                    error(number, "reserve_number", raw_res, pid.message)
                    ok = False
            else:
                self.sink.add(
                    number,
                    self.title("identity" if i_id is not None else "reserve_number"),
                    "",
                    _("Identitetsnummer eller reservnummer saknas."),
                )
                ok = False

            key = (
                cells[i_code] if i_code is not None else "",
                cells[i_name] if i_name is not None else "",
            )
            iid = iv_cache.get(key)
            if iid is None:
                iid = iv_cache[key] = self._intervention(*key)
            if isinstance(iid, _Bad):
                error(
                    number,
                    "intervention_code" if i_code is not None else "intervention",
                    key[0] or key[1],
                    iid.message,
                )
                ok = False

            raw = cells[i_start]
            start = dates.get(raw) or (date(raw) if raw.strip() else _Bad(_("Startdatum saknas.")))
            if isinstance(start, _Bad):
                error(number, "start", raw, start.message)
                ok = False
                start_iso = ""
            else:
                start_iso = start[0]
                if start_iso > latest_start:
                    error(
                        number, "start", raw, _("Startdatumet ligger mer än ett år fram i tiden.")
                    )
                    ok = False

            planned = end = None
            if i_planned is not None and cells[i_planned]:
                got = dates.get(cells[i_planned]) or date(cells[i_planned])
                if isinstance(got, _Bad):
                    error(number, "planned_end", cells[i_planned], got.message)
                    ok = False
                elif start_iso and got[0] < start_iso:
                    error(
                        number,
                        "planned_end",
                        cells[i_planned],
                        _("Planerat slutdatum kan inte ligga före startdatum."),
                    )
                    ok = False
                else:
                    planned = got[0]
            if i_end is not None and cells[i_end]:
                got = dates.get(cells[i_end]) or date(cells[i_end])
                if isinstance(got, _Bad):
                    error(number, "end", cells[i_end], got.message)
                    ok = False
                elif start_iso and got[0] < start_iso:
                    error(
                        number, "end", cells[i_end], _("Slutdatum kan inte ligga före startdatum.")
                    )
                    ok = False
                elif got[0] > today_iso:
                    error(number, "end", cells[i_end], _("Slutdatumet ligger i framtiden."))
                    ok = False
                else:
                    end = got[0]

            status_start: Any = unknown_status
            if i_sstart is not None:
                raw = cells[i_sstart]
                status_start = s_cache.get(raw)
                if status_start is None:
                    status_start = s_cache[raw] = self._status(raw, required=False)
                if isinstance(status_start, _Bad):
                    error(number, "status_at_start", raw, status_start.message)
                    ok = False

            exit_status: Any = None
            if i_exit is not None:
                raw = cells[i_exit]
                if raw:
                    exit_status = e_cache.get(raw)
                    if exit_status is None:
                        exit_status = e_cache[raw] = self._status(raw, required=True)
                    if isinstance(exit_status, _Bad):
                        error(number, "exit_status", raw, exit_status.message)
                        ok = False
                    elif not cells[i_end]:  # type: ignore[index]
                        error(
                            number,
                            "end",
                            "",
                            _("Slutdatum saknas men status vid avslut är angiven."),
                        )
                        ok = False
                elif i_end is not None and cells[i_end]:
                    error(
                        number, "exit_status", "", _("Ange status vid avslut när slutdatum finns.")
                    )
                    ok = False

            livelihood: Any = "unknown"
            if i_live is not None:
                raw = cells[i_live]
                livelihood = l_cache.get(raw)
                if livelihood is None:
                    try:
                        livelihood = fields.parse_livelihood(raw, "unknown")
                    except FieldError as exc:
                        livelihood = _Bad(exc.message)
                    l_cache[raw] = livelihood
                if isinstance(livelihood, _Bad):
                    error(number, "livelihood_at_start", raw, livelihood.message)
                    ok = False

            hours = None
            if i_hours is not None:
                raw = cells[i_hours]
                if raw:
                    hours = h_cache.get(raw)
                    if hours is None:
                        try:
                            parsed_hours = fields.parse_hours(raw)
                            hours = str(parsed_hours) if parsed_hours is not None else None
                        except FieldError as exc:
                            hours = _Bad(exc.message)
                        h_cache[raw] = hours
                    if isinstance(hours, _Bad):
                        error(number, "hours_per_week", raw, hours.message)
                        ok = False

            if not ok:
                if self.rows_read % BATCH == 0:
                    yield [], []
                continue
            # One int per natural key keeps a million of them in a few tens of megabytes.
            natural = (pid * 2**24 + iid) * 2**21 + start[1]  # type: ignore[index,operator]
            first = seen.get(natural)
            if first is not None:
                self.sink.add(
                    number,
                    self.title("start"),
                    _shown(cells[i_start]),
                    _("Samma deltagare, insats och startdatum finns redan på rad %(row)s.")
                    % {"row": first},
                )
                continue
            seen[natural] = number
            if self.sink.count:
                if self.rows_read % BATCH == 0:
                    yield [], []
                continue
            (batch if pid in known else fresh).append(
                (
                    pid,
                    iid,
                    start_iso,
                    planned,
                    end,
                    status_start,
                    livelihood,
                    exit_status,
                    hours,
                    now,
                    now,
                )
            )
            if len(batch) + len(fresh) >= BATCH:
                yield batch, fresh
                batch, fresh = [], []
        if batch or fresh:
            yield batch, fresh


IMPORTERS: dict[str, type[ParticipantImporter] | type[EnrolmentImporter]] = {
    ImportKind.PARTICIPANTS: ParticipantImporter,
    ImportKind.ENROLMENTS: EnrolmentImporter,
}


def run_import(
    kind: str,
    raw: IO[bytes],
    *,
    file_name: str,
    scope: ImportScope,
    user=None,
    dry_run: bool = False,
    errors: ErrorSink | None = None,
    progress: Callable[[int, int, int], Any] | None = None,
    today: dt.date | None = None,
) -> ImportResult:
    """Validate the file and, unless ``dry_run`` or any row is invalid, write it all.

    ``progress(rows, done, total)`` is called after each batch (done/total in bytes for CSV,
    rows for Excel). The run is recorded as an :class:`ImportRun` and in the access log.
    """
    started = time.perf_counter()
    sink = errors or ErrorSink()
    result = ImportResult(kind=kind, file_name=file_name, dry_run=dry_run, errors=sink)
    today = today or timezone.localdate()
    importer_class = IMPORTERS[kind]
    try:
        table = open_table(raw, file_name)
        result.format, result.encoding, result.delimiter = (
            table.format,
            table.encoding,
            table.delimiter,
        )
        importer = importer_class(table, scope, sink, today)
        unknown = importer.map_header()
        if unknown:
            result.notes.append(
                _("Kolumner som inte känns igen och inte lästes: %(names)s.")
                % {"names": ", ".join(unknown)}
            )
    except (FileProblem, HeaderProblem) as exc:
        sink.add(0, "", "", exc.message)
        return _finish(result, scope, user, started)

    relaxed = _relax_foreign_key_checks(dry_run)
    try:
        _run_in_transaction(importer, result, table, dry_run, progress, scope, user, started)
    finally:
        if relaxed:
            with connection.cursor() as cursor:
                cursor.execute("PRAGMA foreign_keys = ON")
    if result.committed:
        # The time includes the commit (where PostgreSQL runs deferred constraint checks).
        result.seconds = time.perf_counter() - started
        ImportRun.objects.filter(pk=result.run.pk).update(seconds=round(result.seconds, 3))
    else:
        _finish(result, scope, user, started)
    return result


def _relax_foreign_key_checks(dry_run: bool) -> bool:
    """SQLite: turn per-row foreign-key checks off for the import's own transaction.

    Every foreign key an import writes (participant, intervention, status, unit) was looked up
    in the database inside the same write transaction, which SQLite holds exclusively
    (BEGIN IMMEDIATE), so the checks could only repeat what is already known, and with them an
    upsert of a million rows costs three times the CPU. The pragma only works outside a
    transaction; inside one (a caller's atomic block) it is left as it is.
    """
    if dry_run or connection.vendor != "sqlite" or connection.in_atomic_block:
        return False
    with connection.cursor() as cursor:
        cursor.execute("PRAGMA foreign_keys = OFF")
    return True


def _run_in_transaction(importer, result, table, dry_run, progress, scope, user, started):
    with transaction.atomic():
        try:
            importer.prepare()
        except HeaderProblem as exc:
            result.errors.add(0, "", "", exc.message)
        else:
            _validate_and_write(importer, result, table, dry_run, progress, scope, user, started)
        if not result.committed:
            transaction.set_rollback(True)


def _validate_and_write(importer, result, table, dry_run, progress, scope, user, started) -> None:
    sink = result.errors
    model = importer.model()
    before = model.objects.count()
    bulk = (table.estimated_rows or 0) >= BULK_ROWS
    writer = None if dry_run else writer_for(importer.targets(), bulk=bulk)
    try:
        for batch, fresh in importer.rows():
            if writer is not None and (batch or fresh) and not sink.count:
                writer.write(batch, fresh)
            if progress and table.progress:
                done, total = table.progress()
                progress(importer.rows_read, done, total)
    except FileProblem as exc:
        sink.add(0, "", "", exc.message)
    except UnicodeDecodeError:
        sink.add(0, "", "", _("Filen innehåller tecken som inte går att läsa."))
    result.rows = importer.rows_read
    if sink.count or writer is None:
        return
    changed = writer.finish()
    # What is derived from the register follows, in the same transaction: everyone after a
    # bulk load, else the participants whose rows this import wrote (stamped with its time).
    register_changed.send(
        sender=model, participant_ids=None if bulk else importer.changed_participants(model)
    )
    result.created = model.objects.count() - before
    result.updated = max(changed - result.created, 0)
    result.unchanged = result.rows - result.created - result.updated
    result.committed = True
    _finish(result, scope, user, started)


def _finish(result: ImportResult, scope: ImportScope, user, started: float) -> ImportResult:
    result.seconds = time.perf_counter() - started
    if result.committed:
        status = ImportStatus.COMMITTED
    elif result.dry_run and result.ok:
        status = ImportStatus.DRY_RUN
    else:
        status = ImportStatus.REJECTED
    run = ImportRun.objects.create(
        kind=result.kind,
        file_name=result.file_name[:255],
        owning_unit=scope.default_unit,
        started_by=user if getattr(user, "pk", None) else None,
        status=status,
        rows=result.rows,
        created=result.created,
        updated=result.updated,
        error_count=result.errors.count,
        seconds=round(result.seconds, 3),
        notes="\n".join(result.notes),
    )
    result.run = run
    detail = (
        f"import {result.kind} {status}: {result.rows} rows, {result.created} new, "
        f"{result.updated} changed, {result.errors.count} errors"
    )
    log_access(user, "change" if result.committed else "search", run, detail=detail)
    return result


def save_error_report(result: ImportResult, directory: Path) -> str:
    """Write the kept errors as CSV under ``directory``; the file name relative to it."""
    directory.mkdir(parents=True, exist_ok=True)
    name = f"import-{result.run.pk if result.run else 'x'}-fel.csv"
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=";")
    writer.writerow(ErrorSink.HEADER)
    for error in result.errors.first:
        writer.writerow([error.row, error.column, error.value, error.message])
    (directory / name).write_text(buffer.getvalue(), encoding="utf-8-sig")
    return name
