"""The enrolment import: one row per participant, intervention and start date."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from .. import crypto, identity
from ..models import Enrolment, ImportKind, Intervention, Participant, StatusCategory
from . import fields
from .base import Bad, CheckedRow, RowCheck, RowImporter
from .fields import FieldError, HeaderProblem
from .report import shown
from .writers import Target


class EnrolmentImporter(RowImporter):
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
        self.interventions_by_code: dict[str, int | Bad] = {}
        self.interventions_by_name: dict[str, list[int]] = {}
        for pk, code, name in Intervention.objects.values_list("pk", "code", "name"):
            if code:
                key = fields.normalise(code)
                # Codes are unique as written; two that differ only in case or punctuation
                # cannot be told apart in a file.
                self.interventions_by_code[key] = (
                    Bad(_("Flera insatser har den koden. Rätta koderna i Etablera."))
                    if key in self.interventions_by_code
                    else pk
                )
            self.interventions_by_name.setdefault(fields.normalise(name), []).append(pk)
        self.statuses: dict[str, int | Bad] = {}
        for category in StatusCategory.objects.all():
            value: int | Bad = (
                category.pk
                if category.active
                else Bad(_("Statusen används inte längre. Välj en aktiv status."))
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

    def _participant(self, raw: str, reserve: bool) -> int | Bad:
        if reserve:
            try:
                value = identity.normalise_reserve_number(raw)
            except identity.InvalidIdentityNumber as exc:
                return Bad(str(exc.message))
            pk = self.by_reserve.get(value)
        else:
            try:
                parsed = identity.parse(raw, self.today)
            except identity.InvalidIdentityNumber as exc:
                return Bad(str(exc.message))
            pk = self.by_hash.get(crypto.lookup_hash(parsed.canonical, self.keys))
        if pk is None:
            return Bad(
                _(
                    "Deltagaren finns inte i registret (eller hör inte till dina enheter). "
                    "Importera deltagarna först."
                )
            )
        return pk

    def _intervention(self, code: str, name: str) -> int | Bad:
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
                return Bad(_("Flera insatser heter så. Ange insatskoden i stället."))
        if not code and not name:
            return Bad(_("Insats saknas."))
        return Bad(_("Okänd insats. Lägg upp insatsen i Etablera först eller rätta namnet."))

    def _status(self, raw: str, required: bool) -> int | Bad | None:
        if not raw:
            return self.unknown_status if not required else None
        found = self.statuses.get(fields.normalise(raw))
        if found is None:
            return Bad(_("Okänd status. Tillåtna: %(names)s.") % {"names": self.status_names})
        return found

    def row_check(self) -> RowCheck:
        col = self.col
        i_id, i_res = col.get("identity"), col.get("reserve_number")
        i_code, i_name = col.get("intervention_code"), col.get("intervention")
        i_start = col["start"]
        i_planned, i_end = col.get("planned_end"), col.get("end")
        i_sstart, i_live = col.get("status_at_start"), col.get("livelihood_at_start")
        i_exit, i_hours = col.get("exit_status"), col.get("hours_per_week")
        today_iso = self.today.isoformat()
        latest_start = (self.today + dt.timedelta(days=366)).isoformat()
        p_cache: dict[str, int | Bad] = {}
        r_cache: dict[str, int | Bad] = {}
        iv_cache: dict[tuple[str, str], int | Bad] = {}
        s_cache: dict[str, int | Bad | None] = {}
        e_cache: dict[str, int | Bad | None] = {}
        l_cache: dict[str, str | Bad] = {}
        h_cache: dict[str, Any] = {}
        seen: dict[int, int] = {}
        date = self.date
        dates = self._date_cache
        unknown_status = self.unknown_status
        now = self.now_db
        known = self.with_enrolments
        error = self.error

        def check(number: int, cells: list[str]) -> CheckedRow | None:
            ok = True
            raw_id = cells[i_id] if i_id is not None else ""
            raw_res = cells[i_res] if i_res is not None else ""
            if raw_id:
                pid = p_cache.get(raw_id)
                if pid is None:
                    pid = p_cache[raw_id] = self._participant(raw_id, reserve=False)
                if isinstance(pid, Bad):
                    error(number, "identity", raw_id, pid.message)
                    ok = False
            elif raw_res:
                pid = r_cache.get(raw_res)
                if pid is None:
                    pid = r_cache[raw_res] = self._participant(raw_res, reserve=True)
                if isinstance(pid, Bad):
                    error(number, "reserve_number", raw_res, pid.message)
                    ok = False
            else:
                self.missing_identity(number)
                ok = False

            key = (
                cells[i_code] if i_code is not None else "",
                cells[i_name] if i_name is not None else "",
            )
            iid = iv_cache.get(key)
            if iid is None:
                iid = iv_cache[key] = self._intervention(*key)
            if isinstance(iid, Bad):
                error(
                    number,
                    "intervention_code" if i_code is not None else "intervention",
                    key[0] or key[1],
                    iid.message,
                )
                ok = False

            raw = cells[i_start]
            start = dates.get(raw) or (date(raw) if raw.strip() else Bad(_("Startdatum saknas.")))
            if isinstance(start, Bad):
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
                if isinstance(got, Bad):
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
                if isinstance(got, Bad):
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
                if isinstance(status_start, Bad):
                    error(number, "status_at_start", raw, status_start.message)
                    ok = False

            exit_status: Any = None
            if i_exit is not None:
                raw = cells[i_exit]
                if raw:
                    exit_status = e_cache.get(raw)
                    if exit_status is None:
                        exit_status = e_cache[raw] = self._status(raw, required=True)
                    if isinstance(exit_status, Bad):
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
                        livelihood = Bad(exc.message)
                    l_cache[raw] = livelihood
                if isinstance(livelihood, Bad):
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
                            hours = Bad(exc.message)
                        h_cache[raw] = hours
                    if isinstance(hours, Bad):
                        error(number, "hours_per_week", raw, hours.message)
                        ok = False

            if not ok:
                return None
            # One int per natural key keeps a million of them in a few tens of megabytes.
            natural = (pid * 2**24 + iid) * 2**21 + start[1]  # type: ignore[index,operator]
            first = seen.get(natural)
            if first is not None:
                self.sink.add(
                    number,
                    self.title("start"),
                    shown(cells[i_start]),
                    _("Samma deltagare, insats och startdatum finns redan på rad %(row)s.")
                    % {"row": first},
                )
                return None
            seen[natural] = number
            row = (
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
            return row, pid not in known

        return check
