"""Writes: fetching from Kolada and storing, the catalogue, municipality groups.

``sync_kolada`` is a plain function so that it can run from the command line, from a page
(a strategist's POST) or as a background job alike. Its rules:

* It asks for the own municipality, every member of the comparison group and the country
  (``0000``), for every year asked for and every gender Kolada gives.
* Each KPI is fetched completely (every page) and checked before anything is written, then
  written in one transaction: a KPI is updated all or nothing. A malformed answer or an
  unknown id leaves that KPI's stored values as they were; a network failure or timeout stops
  the run, and the KPI being fetched stays as it was.
* Upsert: a new value is added, a different one changed, an equal one left alone (a second run
  changes nothing and says so); a row Kolada marks ``isdeleted`` is removed. A value Kolada
  has no figure for is kept with its status ("saknas").
* Metadata first: a KPI whose title changed in Kolada or that Kolada no longer knows is
  flagged (``Kpi.flagged``) and never silently used.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from etablera.accounts.trail import person, records_actor

from .client import KoladaClient, KoladaError, KoladaUnavailable
from .models import (
    COUNTRY,
    INTERRUPTED_AFTER,
    Area,
    Kpi,
    MunicipalityGroup,
    SyncOutcome,
    SyncRun,
    Value,
)

KPI_ID = re.compile(r"^[A-Z][A-Z0-9]{1,11}$")
FIRST_YEAR = 2015
QUANTUM = Decimal("0.0001")


class SyncInputError(KoladaError):
    """The sync was asked for something it cannot do (bad id, bad year, bad code)."""


def default_years(today: dt.date | None = None) -> list[int]:
    """2015 up to the current year."""
    year = (today or timezone.localdate()).year
    return list(range(FIRST_YEAR, year + 1))


def parse_years(text: str) -> list[int]:
    """``"2015-2025"``, ``"2020"`` or ``"2018,2020"`` as a sorted list of years."""
    years: set[int] = set()
    for part in (p.strip() for p in text.split(",")):
        match = re.fullmatch(r"(\d{4})(?:\s*-\s*(\d{4}))?", part)
        if not match:
            raise SyncInputError(
                _("Ogiltiga år: ”%(text)s”. Skriv till exempel 2015-2025 eller 2020.")
                % {"text": text}
            )
        first = int(match.group(1))
        last = int(match.group(2) or first)
        if last < first or not (first >= 1990 and last <= 2100):
            raise SyncInputError(_("Ogiltiga år: ”%(text)s”.") % {"text": text})
        years.update(range(first, last + 1))
    return sorted(years)


def parse_kpi_ids(text: str) -> list[str]:
    ids = [p.strip().upper() for p in text.split(",") if p.strip()]
    bad = [i for i in ids if not KPI_ID.match(i)]
    if bad or not ids:
        raise SyncInputError(
            _("Ogiltigt Kolada-id: %(ids)s. Ett id ser ut som N00973.")
            % {"ids": ", ".join(bad) or text}
        )
    return ids


def comparison_codes() -> tuple[str, list[str]]:
    """The own municipality's code and the comparison group's codes, checked."""
    from etablera.organisation.models import Municipality

    municipality = Municipality.objects.current()
    if municipality is None:
        raise SyncInputError(_("Kommunen är inte upplagd: ange kommunens namn och kod först."))
    codes = [municipality.code, *municipality.comparison_group]
    bad = [c for c in codes if not (isinstance(c, str) and len(c) == 4 and c.isdigit())]
    if bad:
        raise SyncInputError(
            _("Ogiltig kommunkod: %(codes)s. En kommunkod är fyra siffror.")
            % {"codes": ", ".join(map(str, bad))}
        )
    return municipality.code, [c for c in municipality.comparison_group if c != municipality.code]


def indicator_kpis() -> list[str]:
    """The Kolada ids of every active indicator sourced from Kolada."""
    from etablera.goals.models import Indicator

    keys = Indicator.objects.filter(source="kolada", is_active=True).values_list(
        "source_key", flat=True
    )
    return sorted({k.strip().upper() for k in keys if k.strip()})


@dataclass
class KpiResult:
    kpi: str
    added: int = 0
    changed: int = 0
    removed: int = 0
    unchanged: int = 0
    error: str = ""
    title_changed: bool = False

    @property
    def touched(self) -> int:
        return self.added + self.changed + self.removed

    def line(self) -> str:
        if self.error:
            return _("%(kpi)s: ej uppdaterat – %(error)s") % {"kpi": self.kpi, "error": self.error}
        text = _("%(kpi)s: %(added)s tillagda, %(changed)s ändrade, %(removed)s borttagna") % {
            "kpi": self.kpi,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
        }
        if self.title_changed:
            text += " " + _("(titeln har ändrats i Kolada – granska indikatorn)")
        return text

    def as_dict(self) -> dict[str, Any]:
        return {
            "kpi": self.kpi,
            "added": self.added,
            "changed": self.changed,
            "removed": self.removed,
            "unchanged": self.unchanged,
            "error": self.error,
            "title_changed": self.title_changed,
        }


@dataclass
class SyncReport:
    run: SyncRun
    results: list[KpiResult] = field(default_factory=list)
    error: str = ""

    @property
    def ok(self) -> bool:
        return not self.error and not any(r.error for r in self.results)

    @property
    def changed_nothing(self) -> bool:
        return all(r.touched == 0 for r in self.results)

    def lines(self) -> list[str]:
        out = [r.line() for r in self.results]
        if self.error:
            out.append(self.error)
        elif self.ok and self.changed_nothing:
            out.append(_("Inget har ändrats sedan förra hämtningen."))
        return out


def _quantize(value: Decimal | None) -> Decimal | None:
    return None if value is None else value.quantize(QUANTUM)


def refresh_catalogue(client: KoladaClient, ids: list[str]) -> dict[str, dict[str, Any]]:
    """Fetch metadata for ``ids``; update, add or flag catalogue entries. Returns the metadata
    found, by id. An id Kolada does not know is flagged ``missing`` if it is in the catalogue."""
    found = {row["id"]: row for row in client.kpis(ids)}
    now = timezone.now()
    with transaction.atomic():
        existing = {k.id: k for k in Kpi.objects.select_for_update().filter(id__in=ids)}
        for kpi_id in ids:
            meta = found.get(kpi_id)
            kpi = existing.get(kpi_id)
            if meta is None:
                if kpi is not None and not kpi.missing:
                    kpi.missing = True
                    kpi.checked_at = now
                    kpi.save(update_fields=["missing", "checked_at"])
                continue
            fields = {
                "title": meta["title"][:500],
                "description": str(meta.get("description") or ""),
                "operating_area": str(meta.get("operating_area") or "")[:255],
                "is_divided_by_gender": bool(meta.get("is_divided_by_gender")),
                "missing": False,
                "checked_at": now,
            }
            if kpi is None:
                Kpi.objects.create(id=kpi_id, accepted_title=fields["title"], **fields)
            else:
                for name, value in fields.items():
                    setattr(kpi, name, value)
                kpi.save()
    return found


def _write_kpi(kpi: Kpi, rows: list[dict[str, Any]], result: KpiResult) -> None:
    """Upsert one KPI's rows in one transaction (the caller holds it).

    A KPI that held the demo's example figures is emptied first: Kolada's figures replace them
    all, and no made-up value stays beside real ones."""
    now = timezone.now()
    if kpi.is_example:
        result.removed += Value.objects.filter(kpi=kpi).delete()[0]
        kpi.is_example = False
        kpi.save(update_fields=["is_example"])
    municipalities = {r["municipality"] for r in rows}
    years = {r["year"] for r in rows}
    stored = {
        (v.municipality, v.year, v.gender): v
        for v in Value.objects.filter(kpi=kpi, municipality__in=municipalities, year__in=years)
    }
    create: list[Value] = []
    update: list[Value] = []
    delete: list[int] = []
    for row in rows:
        for item in row["values"]:
            key = (row["municipality"], row["year"], item["gender"])
            current = stored.pop(key, None)
            if row["deleted"] or item["deleted"]:
                if current is not None:
                    delete.append(current.pk)
                    result.removed += 1
                continue
            value = _quantize(item["value"])
            if current is None:
                create.append(
                    Value(
                        kpi=kpi,
                        municipality=key[0],
                        year=key[1],
                        gender=key[2],
                        value=value,
                        count=item["count"],
                        status=item["status"],
                        fetched_at=now,
                    )
                )
                result.added += 1
            elif (current.value, current.count, current.status) != (
                value,
                item["count"],
                item["status"],
            ):
                current.value, current.count, current.status = value, item["count"], item["status"]
                current.fetched_at = now
                update.append(current)
                result.changed += 1
            else:
                result.unchanged += 1
        if row["deleted"] and not row["values"]:
            # A deleted row may come without its values: remove every gender of it.
            for gender in ("T", "K", "M"):
                current = stored.pop((row["municipality"], row["year"], gender), None)
                if current is not None:
                    delete.append(current.pk)
                    result.removed += 1
    if delete:
        Value.objects.filter(pk__in=delete).delete()
    if create:
        Value.objects.bulk_create(create, batch_size=500)
    if update:
        Value.objects.bulk_update(
            update, ["value", "count", "status", "fetched_at"], batch_size=500
        )
    kpi.last_fetched_at = now
    kpi.save(update_fields=["last_fetched_at"])


@records_actor
def sync_kolada(
    *,
    kpis: list[str] | None = None,
    years: list[int] | None = None,
    actor: Any,
    client: KoladaClient | None = None,
    progress: Callable[[int, int, str], Any] | None = None,
) -> SyncReport:
    """Fetch and store the values of ``kpis`` (default: every indicator sourced from Kolada).

    ``progress(done, total, line)`` is called after each KPI (a background job shows it).
    Raises :class:`SyncInputError` for bad input before anything is fetched or recorded.
    Network failures and malformed answers do not raise: they are in the report (``ok`` is
    false), the run is recorded, and nothing of the affected KPI was written.
    """
    own, group = comparison_codes()
    codes = [own, *group, COUNTRY]
    wanted = [k.strip().upper() for k in (kpis if kpis is not None else indicator_kpis())]
    bad = [k for k in wanted if not KPI_ID.match(k)]
    if bad:
        raise SyncInputError(
            _("Ogiltigt Kolada-id: %(ids)s. Ett id ser ut som N00973.") % {"ids": ", ".join(bad)}
        )
    wanted = list(dict.fromkeys(wanted))
    year_list = sorted(set(years)) if years else default_years()
    _close_interrupted()
    run = SyncRun.objects.create(
        actor=person(actor),
        kpis=wanted,
        years=f"{year_list[0]}-{year_list[-1]}" if year_list else "",
    )
    report = SyncReport(run=run)
    own_client = client is None
    client = client or KoladaClient()
    try:
        if not wanted:
            report.error = _("Inga nyckeltal att hämta: ingen indikator har Kolada som källa.")
            return report
        try:
            found = refresh_catalogue(client, wanted)
        except KoladaError as exc:
            report.error = str(exc)
            return report
        for kpi_id in wanted:
            result = KpiResult(kpi_id)
            report.results.append(result)
            if kpi_id not in found:
                result.error = _("Kolada känner inte till nyckeltalet %(kpi)s.") % {"kpi": kpi_id}
                continue
            result.title_changed = Kpi.objects.get(pk=kpi_id).title_changed
            try:
                rows = [r for r in client.data([kpi_id], codes, year_list) if r["kpi"] == kpi_id]
            except KoladaUnavailable as exc:
                result.error = str(exc)
                report.error = _(
                    "Hämtningen avbröts; nyckeltalen som inte hann hämtas är oförändrade."
                )
                break
            except KoladaError as exc:
                result.error = str(exc)
                continue
            with transaction.atomic():
                # One writer per KPI at a time: a second sync waits here rather than colliding.
                kpi = Kpi.objects.select_for_update().get(pk=kpi_id)
                _write_kpi(kpi, rows, result)
            if progress is not None:
                progress(len(report.results), len(wanted), result.line())
        return report
    finally:
        if own_client:
            client.close()
        run.results = [r.as_dict() for r in report.results]
        run.message = "\n".join(report.lines())
        run.finished_at = timezone.now()
        if report.ok:
            run.outcome = SyncOutcome.DONE
        elif any(r.touched or (not r.error) for r in report.results):
            run.outcome = SyncOutcome.PARTLY
        else:
            run.outcome = SyncOutcome.FAILED
        run.save()


def _close_interrupted() -> int:
    """Record as failed the synchronisations that were stopped before they could record their
    end (still "running" after ``INTERRUPTED_AFTER``); how many there were."""
    return SyncRun.objects.filter(
        outcome=SyncOutcome.RUNNING, started_at__lt=timezone.now() - INTERRUPTED_AFTER
    ).update(
        outcome=SyncOutcome.FAILED,
        message=_(
            "Hämtningen avbröts innan den blev klar (processen stoppades). Nyckeltal som hann "
            "hämtas sparades, vart och ett helt; de övriga är oförändrade."
        ),
    )


def summary_line(report: SyncReport) -> str:
    added = sum(r.added for r in report.results)
    changed = sum(r.changed for r in report.results)
    removed = sum(r.removed for r in report.results)
    return ngettext(
        "%(n)s nyckeltal: %(added)s tillagda, %(changed)s ändrade, %(removed)s borttagna värden.",
        "%(n)s nyckeltal: %(added)s tillagda, %(changed)s ändrade, %(removed)s borttagna värden.",
        len(report.results),
    ) % {"n": len(report.results), "added": added, "changed": changed, "removed": removed}


@records_actor
def add_kpi(kpi_id: str, *, actor, client: KoladaClient | None = None) -> Kpi:
    """Add a KPI to the catalogue from Kolada's metadata (or refresh it)."""
    (kpi_id,) = parse_kpi_ids(kpi_id)[:1]
    own_client = client is None
    client = client or KoladaClient()
    try:
        found = refresh_catalogue(client, [kpi_id])
    finally:
        if own_client:
            client.close()
    if kpi_id not in found:
        raise SyncInputError(_("Kolada känner inte till nyckeltalet %(kpi)s.") % {"kpi": kpi_id})
    return Kpi.objects.get(pk=kpi_id)


def search_kolada(text: str, *, client: KoladaClient | None = None) -> list[dict[str, str]]:
    """Kolada KPIs whose title contains ``text``: ``[{"id", "title", "description"}]``, at most
    100, for choosing one to add to the catalogue."""
    own_client = client is None
    client = client or KoladaClient()
    try:
        rows = client.search_kpis(text)
    finally:
        if own_client:
            client.close()
    found = [
        {
            "id": str(r.get("id", "")),
            "title": str(r.get("title", "")),
            "description": str(r.get("description") or ""),
        }
        for r in rows
        if KPI_ID.match(str(r.get("id", "")))
    ]
    return sorted(found, key=lambda r: r["id"])[:100]


@records_actor
def accept_title(kpi: Kpi, *, actor) -> Kpi:
    """A strategist has checked the indicator against the KPI's new title."""
    kpi.accepted_title = kpi.title
    kpi.save(update_fields=["accepted_title"])
    return kpi


@records_actor
def sync_municipality_groups(*, actor, client: KoladaClient | None = None) -> int:
    """Fetch Kolada's municipality groups (and member names); returns how many are stored.

    All or nothing: a failure leaves the stored groups as they were."""
    own_client = client is None
    client = client or KoladaClient()
    try:
        groups = client.municipality_groups()
    finally:
        if own_client:
            client.close()
    now = timezone.now()
    names = {m["id"]: m["title"] for g in groups for m in g["members"] if m["title"]}
    with transaction.atomic():
        MunicipalityGroup.objects.filter(is_example=False).delete()
        MunicipalityGroup.objects.bulk_create(
            [
                MunicipalityGroup(
                    id=g["id"][:20],
                    title=g["title"][:300],
                    members=[m["id"] for m in g["members"]],
                    fetched_at=now,
                )
                for g in groups
            ],
            update_conflicts=True,
            unique_fields=["id"],
            update_fields=["title", "members", "fetched_at", "is_example"],
        )
        for code, title in names.items():
            Area.objects.update_or_create(code=code, defaults={"title": title[:200]})
    return len(groups)


@records_actor
def save_comparison_group(municipality: Any, name: str, codes: list[str], *, actor) -> Any:
    """Set the municipality's comparison group (its name and member codes)."""
    from etablera.organisation.services import save_municipality

    municipality.comparison_group_name = name.strip()
    municipality.comparison_group = [c for c in dict.fromkeys(codes) if c != municipality.code]
    return save_municipality(municipality, actor=actor)
