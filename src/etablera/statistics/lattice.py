"""The periods statistics are made for: a fixed lattice of a year's parts.

Cell-key perturbation gives the same people the same noise, but two *different* groups of
nearly the same people get independent noise — and many overlapping periods (every range of
whole months: 78 in a year) would give an attacker many noisy versions of nearly the same
counts to average the noise away, and the one enrolment that lies in one range and not the
other. So figures are made only for the periods follow-up already uses, which overlap in a few
fixed ways (ADR 0007):

* a calendar year (``2025``, ``2025H``),
* the interim period January–August (``2025D``),
* a tertial (``2025T1``, ``2025T2``, ``2025T3``),
* a calendar month (``2025-03-01..2025-03-31``).

A stored period whose dates are none of these (a period of kind *other*, or a standard code
whose dates were moved) still serves follow-up reports; its statistics are refused with a
message saying why.
"""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _


class UnprotectablePeriod(ValidationError):
    """A period the protection cannot cover; the message is in Swedish."""


def _month_end(year: int, month: int) -> datetime.date:
    following = datetime.date(year + month // 12, month % 12 + 1, 1)
    return following - datetime.timedelta(days=1)


def kind(start: datetime.date, end: datetime.date) -> str | None:
    """``year``, ``interim``, ``tertial`` or ``month`` for a period of the lattice, else None."""
    if start.day != 1 or end.year != start.year or end != _month_end(end.year, end.month):
        return None
    first, last = start.month, end.month
    if (first, last) == (1, 12):
        return "year"
    if (first, last) == (1, 8):
        return "interim"
    if (first, last) in ((1, 4), (5, 8), (9, 12)):
        return "tertial"
    if first == last:
        return "month"
    return None


def require(period) -> None:
    """Refuse a period outside the lattice (:class:`UnprotectablePeriod`)."""
    if kind(period.start, period.end) is None:
        raise UnprotectablePeriod(
            _(
                "Nyckeltal redovisas bara för ett kalenderår, delåret januari–augusti, ett "
                "tertial eller en kalendermånad (till exempel 2025, 2025D, 2025T1 eller "
                "2025-03-01..2025-03-31). Perioden %(start)s–%(end)s är ingen av dem: med "
                "fritt valda perioder skulle två nästan lika perioder kunna jämföras så att "
                "enskilda personers uppgifter gick att räkna fram. Perioden kan fortfarande "
                "användas för uppföljningsrapporter."
            )
            % {"start": f"{period.start:%Y-%m-%d}", "end": f"{period.end:%Y-%m-%d}"},
            code="lattice",
        )
