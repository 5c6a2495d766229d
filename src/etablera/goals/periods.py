"""Period codes, and turning what people type into a date range.

Indicator values and targets, follow-up reports and the register KPIs all speak of periods, so
the calendar lives here, below the follow-up app: nothing in it imports from above. The
follow-up app's stored periods (``followup.Period``) move a standard code's dates;
:func:`resolve_period` looks them up by the model's name, through Django's app registry.

Period codes
============

Follow-up periods have short codes that the municipality's staff already use:

==========  =========  ==========================  ============================================
Code        Kind       Dates                       Meaning
==========  =========  ==========================  ============================================
``2025T1``  tertial    2025-01-01 – 2025-04-30     tertial 1 (January–April)
``2025T2``  tertial    2025-05-01 – 2025-08-31     tertial 2 (May–August)
``2025T3``  tertial    2025-09-01 – 2025-12-31     tertial 3 (September–December)
``2025D``   interim    2025-01-01 – 2025-08-31     *delårsrapport*: the year to date, Jan–Aug
``2025H``   annual     2025-01-01 – 2025-12-31     *helår*: the annual report
``2025X…``  other      as entered                  any other code: four digits of the year, then
                                                   capital letters, digits or ``-`` (e.g.
                                                   ``2025-EXTRA``); never one of the forms above
==========  =========  ==========================  ============================================

Codes are case-insensitive when typed (``2025t1`` works) and stored in capitals. A stored
period may move its dates (a municipality whose interim report ends in July) but keeps its code;
:func:`resolve_period` then uses the stored dates.

Periods of the same kind never overlap (``Period.clean``); periods of different kinds do by
design (``2025D`` covers ``2025T1`` and ``2025T2``).

``resolve_period``
==================

``resolve_period(text) -> PeriodRange(start, end, label, period)`` accepts:

* a follow-up period code — a stored ``Period`` (``period`` is then that object) or, if none is
  stored, any standard code above (``period`` is ``None``);
* a calendar year: ``2025`` → 2025-01-01 – 2025-12-31 (``period`` is ``None``);
* a date range: ``2025-01-01..2025-06-30`` (both ends inclusive; ``period`` is ``None``).

Anything else — an unknown code, a malformed date, a range whose end lies before its start —
raises :class:`InvalidPeriod`, which is both a ``django.core.exceptions.ValidationError`` (forms
and the API show its Swedish message) and a ``ValueError`` (command-line tools can catch it
without Django). ``str(exc.messages[0])`` is the message to show.
"""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_STANDARD = re.compile(r"^(?P<year>\d{4})(?P<part>T[123]|D|H)$")
_OTHER = re.compile(r"^\d{4}[-A-ZÅÄÖ0-9]{1,16}$")
_YEAR = re.compile(r"^\d{4}$")
_RANGE = re.compile(r"^(?P<start>\d{4}-\d{2}-\d{2})\s*\.\.\s*(?P<end>\d{4}-\d{2}-\d{2})$")

#: Tertial number → (first month, last month).
TERTIALS = {1: (1, 4), 2: (5, 8), 3: (9, 12)}
#: The interim report (delår) runs from January to the end of this month.
INTERIM_LAST_MONTH = 8


class InvalidPeriod(ValidationError, ValueError):
    """A period text that cannot be understood; the message is in Swedish."""


@dataclass(frozen=True)
class PeriodRange:
    """A date range to report on, and the stored follow-up period behind it, if any."""

    start: datetime.date
    end: datetime.date
    label: str
    #: The stored ``followup.Period`` behind the range, if any.
    period: Any = None

    @property
    def code(self) -> str:
        return self.period.code if self.period is not None else ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def contains(self, day: datetime.date) -> bool:
        return self.start <= day <= self.end

    def __str__(self) -> str:
        return self.label


def _last_day(year: int, month: int) -> datetime.date:
    if month == 12:
        return datetime.date(year, 12, 31)
    return datetime.date(year, month + 1, 1) - datetime.timedelta(days=1)


@dataclass(frozen=True)
class StandardCode:
    code: str
    kind: str
    year: int
    start: datetime.date
    end: datetime.date
    name: str


def parse_standard(code: str) -> StandardCode | None:
    """The kind, dates and name of a standard code (``2025T1``, ``2025D``, ``2025H``), or None."""
    match = _STANDARD.match(code.strip().upper())
    if not match:
        return None
    year = int(match["year"])
    part = match["part"]
    if part.startswith("T"):
        number = int(part[1])
        first, last = TERTIALS[number]
        return StandardCode(
            f"{year}{part}",
            "tertial",
            year,
            datetime.date(year, first, 1),
            _last_day(year, last),
            _("Tertial %(number)s %(year)s") % {"number": number, "year": year},
        )
    if part == "D":
        return StandardCode(
            f"{year}D",
            "interim",
            year,
            datetime.date(year, 1, 1),
            _last_day(year, INTERIM_LAST_MONTH),
            _("Delår %(year)s") % {"year": year},
        )
    return StandardCode(
        f"{year}H",
        "annual",
        year,
        datetime.date(year, 1, 1),
        datetime.date(year, 12, 31),
        _("Helår %(year)s") % {"year": year},
    )


def validate_code(
    code: str,
    kind: str | None,
    start: datetime.date | None = None,
    end: datetime.date | None = None,
) -> None:
    """Refuse a code that does not fit the period's kind (see the module docstring)."""
    code = code.strip().upper()
    standard = parse_standard(code)
    if standard is not None:
        if kind and kind != standard.kind:
            raise InvalidPeriod(
                _("Koden %(code)s betyder en period av typen %(kind)s; välj den typen.")
                % {"code": code, "kind": _kind_label(standard.kind)},
                code="kind",
            )
        if start is not None and start.year != standard.year:
            raise InvalidPeriod(
                _("Koden %(code)s gäller år %(year)s, men perioden börjar %(start)s.")
                % {"code": code, "year": standard.year, "start": f"{start:%Y-%m-%d}"},
                code="year",
            )
        return
    if kind and kind != "other":
        raise InvalidPeriod(
            _("Koden för en period av typen %(kind)s skrivs som %(example)s.")
            % {"kind": _kind_label(kind), "example": _example(kind, start)},
            code="format",
        )
    if not _OTHER.match(code):
        raise InvalidPeriod(
            _(
                "Okänd periodkod ”%(code)s”. Skriv årtalet följt av versaler, siffror eller "
                "bindestreck, till exempel 2025-EXTRA."
            )
            % {"code": code},
            code="format",
        )


def _kind_label(kind: str) -> str:
    return {
        "tertial": _("tertial"),
        "interim": _("delår"),
        "annual": _("helår"),
        "other": _("annan"),
    }.get(kind, kind)


def _example(kind: str, start: datetime.date | None) -> str:
    year = start.year if start else datetime.date.today().year
    return {"tertial": f"{year}T1, {year}T2 {_('eller')} {year}T3", "interim": f"{year}D"}.get(
        kind, f"{year}H"
    )


def _parse_date(text: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(text)
    except ValueError as exc:
        raise InvalidPeriod(
            _("”%(text)s” är inget giltigt datum; skriv ÅÅÅÅ-MM-DD.") % {"text": text},
            code="date",
        ) from exc


def resolve_period(text: str) -> PeriodRange:
    """Turn a period code, a calendar year or a date range into a :class:`PeriodRange`.

    See the module docstring for what is accepted; raises :class:`InvalidPeriod` otherwise.
    """
    raw = (text or "").strip()
    if not raw:
        raise InvalidPeriod(
            _(
                "Ange en period: en periodkod (2025T1, 2025D, 2025H), ett år eller ett "
                "datumintervall."
            ),
            code="empty",
        )
    match = _RANGE.match(raw)
    if match:
        start, end = _parse_date(match["start"]), _parse_date(match["end"])
        if end < start:
            raise InvalidPeriod(
                _(
                    "Datumintervallet är omvänt: slutdatumet %(end)s ligger före startdatumet "
                    "%(start)s."
                )
                % {"start": f"{start:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
                code="reversed",
            )
        return PeriodRange(start, end, f"{start:%Y-%m-%d} – {end:%Y-%m-%d}")
    if _YEAR.match(raw):
        year = int(raw)
        if not 1900 <= year <= 2200:
            raise InvalidPeriod(_("Året %(year)s är orimligt.") % {"year": year}, code="year")
        return PeriodRange(
            datetime.date(year, 1, 1),
            datetime.date(year, 12, 31),
            _("Kalenderåret %(year)s") % {"year": year},
        )
    code = raw.upper()
    period = apps.get_model("followup", "Period").objects.filter(code=code).first()
    if period is not None:
        return PeriodRange(period.start, period.end, period.name, period)
    standard = parse_standard(code)
    if standard is not None:
        return PeriodRange(standard.start, standard.end, standard.name)
    raise InvalidPeriod(
        _(
            "Okänd period ”%(text)s”. Ange en periodkod (till exempel 2025T1, 2025D eller "
            "2025H), ett år (2025) eller ett datumintervall (2025-01-01..2025-06-30)."
        )
        % {"text": raw},
        code="unknown",
    )


def earlier_codes(code: str, count: int) -> list[str]:
    """The ``count`` standard codes of the same kind before ``code``, oldest first.

    ``earlier_codes("2026T3", 3)`` → ``["2025T3", "2026T1", "2026T2"]``;
    ``earlier_codes("2026D", 2)`` → ``["2024D", "2025D"]``. Empty for non-standard codes.
    """
    standard = parse_standard(code)
    if standard is None:
        return []
    result: list[str] = []
    year = standard.year
    if standard.kind == "tertial":
        number = int(standard.code[-1])
        for _i in range(count):
            number -= 1
            if number == 0:
                number, year = 3, year - 1
            result.append(f"{year}T{number}")
    else:
        suffix = standard.code[-1]
        for step in range(1, count + 1):
            result.append(f"{year - step}{suffix}")
    return list(reversed(result))


def code_for_range(start: datetime.date, end: datetime.date) -> str:
    """The standard code whose dates are exactly ``start``–``end`` (``"2025T1"``), else ``""``."""
    for part in ("T1", "T2", "T3", "D", "H"):
        standard = parse_standard(f"{start.year}{part}")
        if standard is not None and standard.start == start and standard.end == end:
            return standard.code
    return ""


def label_for_range(start: datetime.date, end: datetime.date) -> str:
    """A short label: the standard code when there is one, else the two dates."""
    return code_for_range(start, end) or f"{start:%Y-%m-%d}–{end:%Y-%m-%d}"


def kind_for_range(start: datetime.date, end: datetime.date) -> str:
    """``tertial``, ``interim``, ``annual`` for standard ranges, else ``other``."""
    code = code_for_range(start, end)
    standard = parse_standard(code) if code else None
    return standard.kind if standard is not None else "other"
