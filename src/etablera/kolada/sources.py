"""Kolada as a value source for indicators (see ``goals.sources``).

An indicator whose source is ``kolada`` and whose source key is a Kolada id gets, for a whole
calendar year, the value Kolada gives the own municipality that year. A value Kolada has no
figure for comes back empty with the note "saknas"; a flagged KPI (title changed, or gone from
Kolada) comes back with a note saying so, so a report never uses it silently. Values typed in
by hand for a Kolada indicator (``IndicatorValue`` rows) still count where Kolada has none.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from etablera.goals.sources import Key, Request, SourceValue, StoredValuesSource, register_source

from .models import Kpi, Value
from .presentation import indicator_blocks, missing_note

ORDER = {"T": 0, "K": 1, "M": 2}


def year_of(start: dt.date, end: dt.date) -> int | None:
    """The calendar year ``start``–``end`` covers exactly, or None."""
    if (
        start.year == end.year
        and (start.month, start.day) == (1, 1)
        and (end.month, end.day)
        == (
            12,
            31,
        )
    ):
        return start.year
    return None


class KoladaSource(StoredValuesSource):
    def __init__(self) -> None:
        super().__init__("kolada")

    def key_choices(self) -> list[tuple[str, str]]:
        """The Kolada catalogue, offered while typing an indicator's source key."""
        return list(Kpi.objects.order_by("id").values_list("id", "title"))

    def clean_key(self, key: str) -> str:
        key = key.strip().upper()
        if key and not Kpi.objects.filter(pk=key).exists():
            raise ValidationError(
                _(
                    "%(key)s finns inte i Kolada-katalogen. Lägg till nyckeltalet under "
                    "Kolada först, så visas dess titel och beskrivning."
                )
                % {"key": key}
            )
        return key

    def blocks(self, indicators: list[Any]) -> list[dict[str, Any]]:
        """Own value vs comparison group vs country for the indicators sourced from Kolada."""
        return indicator_blocks(indicators)

    def bulk_values(
        self, requests: list[Request], user: Any = None
    ) -> dict[Key, list[SourceValue]]:
        result = super().bulk_values(requests, user=user)
        yearly: list[tuple[Any, dt.date, dt.date, int]] = []
        for ind, start, end in requests:
            year = year_of(start, end)
            if year is not None:
                yearly.append((ind, start, end, year))
        if not yearly:
            return result
        own = [c for c in self._own_codes() if c]
        kpi_ids = {ind.source_key.strip().upper() for ind, *_ in yearly}
        flagged = {k.id: k for k in Kpi.objects.filter(id__in=kpi_ids) if k.flagged}
        stored: dict[tuple[str, int], dict[str, SourceValue]] = defaultdict(dict)
        rows = Value.objects.filter(
            kpi_id__in=kpi_ids, municipality__in=own, year__in={r[3] for r in yearly}
        ).values_list("kpi_id", "year", "gender", "value", "status")
        for kpi_id, value_year, gender, value, status in rows:
            note = missing_note(status) if value is None else ""
            if kpi_id in flagged:
                note = " ".join(
                    filter(None, [note, _("Nyckeltalet är flaggat i Kolada-katalogen.")])
                )
            stored[(kpi_id, value_year)][gender] = SourceValue(gender, value, False, note)
        for indicator, start, end, wanted_year in yearly:
            found = stored.get((indicator.source_key.strip().upper(), wanted_year))
            if not found:
                continue
            merged = {v.gender: v for v in result.get((indicator.pk, start, end), [])}
            merged.update({g: v for g, v in found.items() if g in indicator.genders})
            result[(indicator.pk, start, end)] = sorted(
                merged.values(), key=lambda v: ORDER.get(v.gender, 9)
            )
        return result


register_source("kolada", KoladaSource())
