"""Where an indicator's values come from: a registry of pluggable value sources.

A report, a page or an export asks this module for an indicator's values for a date range and
never needs to know whether they were typed in, computed from the participant register or
fetched from Kolada. Each ``Indicator.source`` kind has one *provider*.

The interface
=============

``register_source(kind: str, provider) -> None``
    Install ``provider`` for indicators whose ``source`` is ``kind`` (``"manual"``,
    ``"register"``, ``"kolada"``). A later registration for the same kind replaces the earlier
    one. Register from your app's ``AppConfig.ready()`` (or a module it imports), e.g.::

        from etablera.goals.sources import register_source
        register_source("register", RegisterKpiSource())

A provider is any object with

``values(indicator, start: date, end: date, *, user) -> list[SourceValue]``
    The indicator's values for the inclusive range ``start``–``end``, at most one per gender code
    (``"T"`` total, ``"K"`` women, ``"M"`` men), for the municipality itself. Return an empty list
    when there is no value. ``indicator.source_key`` says which figure is meant (a register KPI key
    such as ``exit_work_or_studies_share``, or a Kolada KPI id). ``user`` is the user the figures
    are for (an ``accounts.policy.Operator`` for the command line and background jobs); a provider
    that applies disclosure control or access rules uses it. A value that must not be shown is
    returned as ``SourceValue(gender, None, suppressed=True)`` — never as a number. Raising is
    reserved for programming errors: an unavailable source returns ``[]`` with nothing else, so a
    report still renders.

and optionally

``bulk_values(requests: list[tuple[Indicator, date, date]], *, user)
-> dict[tuple[int, date, date], list[SourceValue]]``
    The same for many (indicator, start, end) at once, keyed by ``(indicator.pk, start, end)``.
    The consolidated report asks for every indicator over several periods in one call per
    source kind, so a provider that implements ``bulk_values`` keeps the report's number of
    queries fixed however many indicators there are. Without it, ``values`` is called for each
    request.

``SourceValue(gender, value, suppressed=False, note="")``
    ``value`` is a ``Decimal`` (or ``None`` when suppressed or unknown); ``note`` is a short
    Swedish text shown with the value (e.g. "Preliminärt"). ``cell(indicator)`` gives the
    ``web.tables.Cell`` to put in a table (unit suffix, suppression symbol).

Reading values
==============

``indicator_values(indicator, period_or_range, *, user) -> list[SourceValue]``
    ``period_or_range`` is a ``followup.Period``, a ``goals.periods.PeriodRange``, a
    ``(start, end)`` tuple or a code/year/range string (see ``goals.periods.resolve_period``).

``bulk_indicator_values(indicators, ranges, *, user)``
    ``-> dict[(indicator.pk, start, end), list[SourceValue]]`` for every indicator and every
    ``(start, end)`` in ``ranges``, one provider call per source kind.

The built-in ``"manual"`` provider reads ``IndicatorValue`` rows whose dates equal the range
exactly and that describe the municipality itself (``municipality_code`` empty or the
municipality's own code). The same stored-values provider is installed for ``"kolada"`` (the
Kolada synchronisation stores what it fetches as ``IndicatorValue`` rows with source
``kolada``); a Kolada client may replace it. No provider is installed for ``"register"`` here:
the statistics app installs the one that computes register KPIs.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

from etablera.web.tables import Cell, format_value

if TYPE_CHECKING:
    from .models import Indicator

Key = tuple[int, datetime.date, datetime.date]
Request = tuple["Indicator", datetime.date, datetime.date]


@dataclass(frozen=True)
class SourceValue:
    """One value of an indicator for a range: per gender, possibly suppressed."""

    gender: str
    value: Decimal | None
    suppressed: bool = False
    note: str = ""

    def cell(self, indicator: Indicator | None = None) -> Cell:
        if self.suppressed:
            return Cell(None, suppressed=True, note=self.note)
        return value_cell(self.value, indicator, note=self.note)

    def as_json(self) -> dict[str, Any]:
        return {
            "gender": self.gender,
            "value": None if self.value is None or self.suppressed else str(self.value),
            "suppressed": self.suppressed,
            "note": self.note,
        }

    @classmethod
    def from_json(cls, data: dict[str, Any]) -> SourceValue:
        raw = data.get("value")
        return cls(
            gender=data.get("gender", "T"),
            value=None if raw in (None, "") else Decimal(str(raw)),
            suppressed=bool(data.get("suppressed")),
            note=data.get("note", ""),
        )


def value_cell(value: Any, indicator: Indicator | None = None, note: str = "") -> Cell:
    """A table cell for an indicator value: the number with the unit's suffix."""
    if value is None:
        return Cell(None, note=note)
    number = value if isinstance(value, Decimal) else Decimal(str(value))
    if (
        indicator is not None
        and indicator.unit in ("count", "sek", "days")
        and number == number.to_integral_value()
    ):
        shown: Any = int(number)
    else:
        shown = number
    suffix = indicator.suffix if indicator is not None else ""
    return Cell(shown, display=f"{format_value(shown)}{suffix}", note=note)


class ValueProvider(Protocol):
    def values(
        self, indicator: Indicator, start: datetime.date, end: datetime.date, *, user: Any
    ) -> list[SourceValue]: ...


_providers: dict[str, Any] = {}


def register_source(kind: str, provider: Any) -> None:
    """Install ``provider`` for indicators with ``source == kind`` (see the module docstring)."""
    if not callable(getattr(provider, "values", None)):
        raise TypeError("A value source needs a values(indicator, start, end, *, user) method")
    _providers[kind] = provider


def get_source(kind: str) -> Any | None:
    """The provider installed for ``kind``, or None."""
    return _providers.get(kind)


def source_available(kind: str) -> bool:
    return kind in _providers


# A provider may also offer, each optional: ``key_choices()`` — (key, title) pairs to pick a
# source key from; ``clean_key(key)`` — the key in its stored form, or ``ValidationError``; and
# ``blocks(indicators)`` — what the indicator and goal pages show about its indicators beside
# their values (e.g. Kolada's comparison). Goals asks through these three functions, so it
# never imports the app above it that provides the source.


def source_key_choices(kind: str) -> list[tuple[str, str]]:
    """(key, title) pairs offered while typing the source key of a ``kind`` indicator."""
    provider = _providers.get(kind)
    choices = getattr(provider, "key_choices", None)
    return list(choices()) if choices else []


def clean_source_key(kind: str, key: str) -> str:
    """``key`` as the ``kind`` source stores it; ``ValidationError`` when it knows no such key."""
    provider = _providers.get(kind)
    clean = getattr(provider, "clean_key", None)
    return clean(key) if clean else key


def source_blocks(indicators: Any) -> list[Any]:
    """What each source shows about ``indicators`` on the indicator and goal pages."""
    indicators = list(indicators)
    blocks: list[Any] = []
    for provider in _providers.values():
        make = getattr(provider, "blocks", None)
        if make is not None:
            blocks.extend(make(indicators))
    return blocks


def _as_range(period_or_range: Any) -> tuple[datetime.date, datetime.date]:
    if isinstance(period_or_range, tuple) and len(period_or_range) == 2:
        return period_or_range[0], period_or_range[1]
    if isinstance(period_or_range, str):
        from etablera.goals.periods import resolve_period

        resolved = resolve_period(period_or_range)
        return resolved.start, resolved.end
    return period_or_range.start, period_or_range.end


def indicator_values(indicator: Indicator, period_or_range: Any, *, user: Any) -> list[SourceValue]:
    """The values of ``indicator`` for a period, range or period text, from its source."""
    start, end = _as_range(period_or_range)
    provider = _providers.get(indicator.source)
    if provider is None:
        return []
    return list(provider.values(indicator, start, end, user=user))


def bulk_indicator_values(
    indicators: Iterable[Indicator],
    ranges: Sequence[Any],
    *,
    user: Any,
) -> dict[Key, list[SourceValue]]:
    """Values for every indicator over every range, with one provider call per source kind."""
    spans = [_as_range(r) for r in ranges]
    by_kind: dict[str, list[Request]] = defaultdict(list)
    for indicator in indicators:
        for start, end in spans:
            by_kind[indicator.source].append((indicator, start, end))
    result: dict[Key, list[SourceValue]] = {}
    for kind, requests in by_kind.items():
        provider = _providers.get(kind)
        if provider is None:
            for indicator, start, end in requests:
                result[(indicator.pk, start, end)] = []
            continue
        bulk = getattr(provider, "bulk_values", None)
        if callable(bulk):
            found = bulk(requests, user=user)
            for indicator, start, end in requests:
                result[(indicator.pk, start, end)] = list(found.get((indicator.pk, start, end), []))
        else:
            for indicator, start, end in requests:
                result[(indicator.pk, start, end)] = list(
                    provider.values(indicator, start, end, user=user)
                )
    return result


def by_gender(values: Iterable[SourceValue]) -> dict[str, SourceValue]:
    return {v.gender: v for v in values}


class StoredValuesSource:
    """Values stored as ``IndicatorValue`` rows (typed in, or fetched and kept)."""

    def __init__(self, source_kind: str) -> None:
        self.source_kind = source_kind

    @staticmethod
    def _own_codes() -> list[str]:
        from etablera.organisation.models import Municipality

        municipality = Municipality.objects.current()
        return ["", municipality.code] if municipality is not None else [""]

    def values(
        self, indicator: Indicator, start: datetime.date, end: datetime.date, *, user: Any
    ) -> list[SourceValue]:
        return self.bulk_values([(indicator, start, end)], user=user).get(
            (indicator.pk, start, end), []
        )

    def bulk_values(self, requests: list[Request], *, user: Any) -> dict[Key, list[SourceValue]]:
        from .models import IndicatorValue

        if not requests:
            return {}
        wanted = {(ind.pk, s, e) for ind, s, e in requests}
        rows = (
            IndicatorValue.objects.filter(
                indicator_id__in={k[0] for k in wanted},
                start__in={k[1] for k in wanted},
                end__in={k[2] for k in wanted},
                municipality_code__in=self._own_codes(),
            )
            .order_by("indicator_id", "start", "end", "gender", "-municipality_code")
            .values_list("indicator_id", "start", "end", "gender", "value", "suppressed", "comment")
        )
        found: dict[Key, dict[str, SourceValue]] = defaultdict(dict)
        for indicator_id, start, end, gender, value, suppressed, comment in rows:
            key = (indicator_id, start, end)
            if key in wanted and gender not in found[key]:
                found[key][gender] = SourceValue(
                    gender, None if suppressed else value, suppressed, comment
                )
        order = {"T": 0, "K": 1, "M": 2}
        return {
            key: sorted(values.values(), key=lambda v: order.get(v.gender, 9))
            for key, values in found.items()
        }


register_source("manual", StoredValuesSource("manual"))
register_source("kolada", StoredValuesSource("kolada"))
