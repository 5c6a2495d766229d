"""The participant import: one row per person, new people inserted, known ones updated."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.db.models import Q
from django.utils.translation import gettext as _

from etablera.organisation.models import Unit

from .. import crypto, identity, services
from ..models import ConflictSource, IdentityKind, ImportKind, ImportRun, Participant
from . import fields
from .base import MISSING, Bad, CheckedRow, RowCheck, RowImporter
from .fields import FieldError, HeaderProblem
from .writers import Target

#: The predicate of the participants' partial unique keys (as the migration created them):
#: registrations held for review may share a number with the person they may be.
HELD_PREDICATE = 'NOT "held_for_review"'


class ParticipantImporter(RowImporter):
    kind = ImportKind.PARTICIPANTS
    columns = fields.PARTICIPANT_COLUMNS
    participant_field = "pk"
    COLUMNS = (
        "given_name",
        "family_name",
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
        "held_for_review",
    )
    UPDATABLE = (
        "given_name",
        "family_name",
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
        # must be held for review, not duplicated. Only (hash or reserve number, pk, unit path)
        # is read. A registration already held for review in this import's units is not held
        # a second time (``held_here``).
        self.by_hash: dict[str, tuple[int, str]] = {}
        self.by_reserve: dict[str, tuple[int, str]] = {}
        self.held_here: set[str] = set()
        for pk, hashed, reserve, path, waiting in Participant.objects.values_list(
            "pk", "identity_hash", "reserve_number", "owning_unit__path", "held_for_review"
        ).iterator(chunk_size=20_000):
            if waiting:
                if self.scope.covers(path):
                    self.held_here.add(hashed or reserve or "")
            elif hashed:
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
        update = (*(c for c in self.UPDATABLE if c in self.col), "updated_at")
        return [
            Target(
                "register_participant",
                self.COLUMNS,
                ("identity_hash",),
                update,
                when_not_null="identity_hash",
                conflict_where=HELD_PREDICATE,
            ),
            Target(
                "register_participant",
                self.COLUMNS,
                ("reserve_number",),
                update,
                when_not_null="reserve_number",
                conflict_where=HELD_PREDICATE,
            ),
        ]

    def _unit(self, raw: str) -> Unit | Bad:
        if not raw:
            if self.scope.default_unit is None:
                return Bad(_("Ange enhet."))
            return self.scope.default_unit
        raw = raw.strip()
        unit = self.units_by_id.get(raw)
        if unit is None:
            found = self.units_by_name.get(fields.normalise(raw), [])
            if len(found) > 1:
                return Bad(_("Flera enheter heter så. Ange enhetens id i stället."))
            unit = found[0] if found else None
        if unit is None:
            return Bad(_("Okänd enhet."))
        if not self.scope.covers(unit.path):
            return Bad(_("Du kan bara importera deltagare till dina egna enheter."))
        return unit

    def _held(self, existing: tuple[int, str] | None) -> int | None:
        """The participant a row names who is registered under a unit outside this import.

        The row is written like a new person's, as a registration held for review, and
        becomes a conflict for the register's administrator: nothing in the result differs
        from importing someone new (see ``services.register_participant``)."""
        if existing is not None and not self.scope.covers(existing[1]):
            return existing[0]
        return None

    def finish(self, run: ImportRun, actor) -> None:
        """After a committed import: each held registration becomes a conflict."""
        if not self.held:
            return
        participants = Participant.objects.in_bulk({pk for pk, _unit, _key in self.held})
        units = Unit.objects.in_bulk({unit for _pk, unit, _key in self.held})
        waiting = Participant.objects.filter(held_for_review=True, held_conflict__isnull=True)
        for pk, unit, key in dict.fromkeys(self.held):
            held = (
                waiting.filter(owning_unit_id=unit)
                .filter(Q(identity_hash=key) | Q(reserve_number=key))
                .first()
            )
            services.record_conflict(
                participants[pk],
                units[unit],
                actor=actor,
                source=ConflictSource.IMPORT,
                import_run=run,
                held=held,
            )

    def row_check(self) -> RowCheck:
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
        # Names are direct identifiers: a bad one is reported without its value.
        names = [(name, col[name]) for name in ("given_name", "family_name") if name in col]
        i_received = col.get("received_on")
        unit_cache: dict[str, Unit | Bad] = {}
        seen_hash: dict[str, int] = {}
        seen_reserve: dict[str, int] = {}
        keys = self.keys
        now = self.now_db
        today_iso = self.today.isoformat()

        def check(number: int, cells: list[str]) -> CheckedRow | None:
            ok = True
            values: dict[str, Any] = {}
            for name, index, parser, cache in parse_opt:
                raw = cells[index]
                value = cache.get(raw, MISSING)
                if value is MISSING:
                    try:
                        value = parser(raw)
                    except FieldError as exc:
                        value = Bad(exc.message)
                    cache[raw] = value
                if isinstance(value, Bad):
                    self.error(number, name, raw, value.message)
                    ok = False
                else:
                    values[name] = value
            for name, index in names:
                try:
                    values[name] = fields.parse_name(cells[index])
                except FieldError as exc:
                    self.sink.add(number, self.title(name), "", exc.message)
                    ok = False
            received = None
            if i_received is not None and cells[i_received]:
                got = self.date(cells[i_received])
                if isinstance(got, Bad):
                    self.error(number, "received_on", cells[i_received], got.message)
                    ok = False
                elif got[0] > today_iso:
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
            if isinstance(unit, Bad):
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
                    first = seen_hash.get(hashed)
                    if first is not None:
                        self.error(
                            number,
                            "identity",
                            raw_id,
                            _("Personen finns redan på rad %(row)s i filen.") % {"row": first},
                        )
                        ok = False
                    seen_hash[hashed] = number
                    kind = parsed.kind
                    masked = parsed.masked
                    derived_year, derived_gender = parsed.birth_year, parsed.gender
                    if ok and (existing is None or not self.scope.covers(existing[1])):
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
                    first = seen_reserve.get(reserve)
                    if first is not None:
                        self.error(
                            number,
                            "reserve_number",
                            raw_res,
                            _("Reservnumret finns redan på rad %(row)s i filen.") % {"row": first},
                        )
                        ok = False
                    seen_reserve[reserve] = number
                    kind = IdentityKind.RESERVE
            else:
                self.missing_identity(number)
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
            if not ok:
                return None
            held = self._held(existing)
            key = hashed or reserve or ""
            if held is not None and key in self.held_here:
                self.rows_valid += 1  # already waiting for review here: left as it is
                return None
            if held is not None:
                self.held.append((held, unit.pk, key))  # type: ignore[union-attr,arg-type]
            row = (
                values.get("given_name", ""),
                values.get("family_name", ""),
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
                held is not None,
            )
            return row, existing is None or held is not None

        return check
