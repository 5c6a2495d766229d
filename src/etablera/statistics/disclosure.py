"""Disclosure control: no figure that leaves Etablera may single out a person.

Every figure computed from the participant register passes through this module before it is
shown on a page, written to a PDF, a workbook or a CSV file, returned by the API or printed by
a command. The method is *cell-key perturbation*, as the statistics offices of Australia (ABS
TableBuilder), the United Kingdom (ONS, census 2021) and the European Statistical System use
for tables people may ask for freely (ADR 0007 gives the reasoning and the references):

* every **record** — a participant, an enrolment — has a fixed **record key**, a number in
  ``[0, KEY_RANGE)`` derived from its id by a keyed permutation (:class:`RecordKey`, secret
  ``ETABLERA_STATISTICS_KEY``), so the same record has the same key on every server and after
  every rebuild of the facts;
* a **cell**'s key is the sum of the keys of the records counted in it, modulo ``KEY_RANGE``:
  the same set of records always has the same cell key, another set almost always another;
* a fixed **perturbation table** (:func:`noise`) maps the cell's true count and its cell key to
  a small whole number between ``-noise`` and ``+noise`` (``ETABLERA_NOISE_MAX``, 2) that is
  added to the count.

So asking again, in another output or another year, gives the same published value for the
same people; and two tables that differ by one person differ by that person *plus two
independent pieces of noise*, which hides whether anyone differs at all.

Around it, the rules statistics offices combine it with:

* a count whose true value or perturbed value is below ``ETABLERA_SUPPRESSION_THRESHOLD`` (5)
  is shown as "..", and so is a group with nobody in it (an empty group looks exactly like a
  hidden one, so a missing row tells nothing);
* a share is computed from a perturbed numerator and a perturbed denominator and rounded to a
  whole percent; it is shown only where the perturbed group has at least
  ``ETABLERA_SHARE_MIN_GROUP`` (20) people with at least ``ETABLERA_SHARE_MIN_EACH`` (5) with,
  and as many without, the property;
* a median is shown only where the group's published count is at least
  ``ETABLERA_MEDIAN_MIN_GROUP`` (20) and rounded to whole days; never beside a hidden count;
* a cost per person is divided by the perturbed count and rounded to hundreds of kronor.

Statistics are made only for periods of a fixed lattice (``statistics.periods``): a year, its
tertials, its interim period (January–August) and its months. Overlapping periods of other
lengths would give many differently-noised versions of nearly the same people, whose noise an
attacker could average away.
"""

from __future__ import annotations

import hashlib
import math
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db.models import BigIntegerField, Func

from etablera.web.tables import SUPPRESSED_EXPLANATION, SUPPRESSED_SYMBOL, Cell

__all__ = [
    "KEY_RANGE",
    "SUPPRESSED_EXPLANATION",
    "SUPPRESSED_SYMBOL",
    "DisclosureConfigurationError",
    "RecordKey",
    "Thresholds",
    "cell",
    "noise",
    "perturb",
    "thresholds",
]

#: Cell keys run from 0 to KEY_RANGE − 1 (ONS and ABS use 256 as well).
KEY_RANGE = 256
#: The record keys' permutation works modulo this prime (2³¹ − 1): every id below it has a key
#: of its own, so a sum over distinct keys is a sum over distinct records.
PRIME = 2_147_483_647
#: A perturbation table cycles over true values (as ONS's tables reuse their rows 501–750):
#: the noise of a count of c uses the column ``(cell key + c · STRIDE) mod KEY_RANGE``.
STRIDE = 97

#: The settings, with their defaults.
SETTINGS = {
    "ETABLERA_SUPPRESSION_THRESHOLD": 5,
    "ETABLERA_SHARE_MIN_GROUP": 20,
    "ETABLERA_SHARE_MIN_EACH": 5,
    "ETABLERA_NOISE_MAX": 2,
    "ETABLERA_MEDIAN_MIN_GROUP": 20,
}
#: The noise may not exceed this: a published total of 100 or more then deviates by at most 2 %.
NOISE_CEILING = 2


class DisclosureConfigurationError(ImproperlyConfigured):
    """A setting that would weaken or switch off disclosure control; nothing is published."""


@dataclass(frozen=True)
class Thresholds:
    """The protection settings; validated so that none can switch protection off."""

    count: int = 5
    share_group: int = 20
    share_each: int = 5
    noise: int = 2
    median_group: int = 20

    def __post_init__(self) -> None:
        names = {
            "count": "ETABLERA_SUPPRESSION_THRESHOLD",
            "share_group": "ETABLERA_SHARE_MIN_GROUP",
            "share_each": "ETABLERA_SHARE_MIN_EACH",
            "noise": "ETABLERA_NOISE_MAX",
            "median_group": "ETABLERA_MEDIAN_MIN_GROUP",
        }
        for attr, setting in names.items():
            value = getattr(self, attr)
            if isinstance(value, bool) or not isinstance(value, int):
                raise DisclosureConfigurationError(
                    f"{setting} must be a whole number (at least 1), not {value!r}. "
                    "Disclosure control refuses to publish figures until it is corrected."
                )
            if value < 1:
                raise DisclosureConfigurationError(
                    f"{setting} is {value}: a value below 1 would switch disclosure control "
                    "off. Set it to a whole number of at least 1 (the default is "
                    f"{SETTINGS[setting]}); no figures are published until it is corrected."
                )
        if self.noise > NOISE_CEILING:
            raise DisclosureConfigurationError(
                f"ETABLERA_NOISE_MAX is {self.noise}: at most {NOISE_CEILING}, so that a "
                "published total of 100 or more deviates by at most 2 % from the register."
            )
        if self.count <= self.noise:
            raise DisclosureConfigurationError(
                f"ETABLERA_SUPPRESSION_THRESHOLD ({self.count}) must be above "
                f"ETABLERA_NOISE_MAX ({self.noise}): otherwise a published count could be a "
                "group of one."
            )
        if self.share_group < 2 * self.share_each:
            raise DisclosureConfigurationError(
                f"ETABLERA_SHARE_MIN_GROUP ({self.share_group}) must be at least twice "
                f"ETABLERA_SHARE_MIN_EACH ({self.share_each}): a group must be able to hold that "
                "many people with and without the property."
            )
        if self.median_group < 2 * self.count:
            raise DisclosureConfigurationError(
                f"ETABLERA_MEDIAN_MIN_GROUP ({self.median_group}) must be at least twice "
                f"ETABLERA_SUPPRESSION_THRESHOLD ({self.count}): a median of a small group is "
                "one person's value."
            )


def thresholds() -> Thresholds:
    """The settings, validated (read on every call: settings may be overridden)."""
    return Thresholds(
        count=getattr(settings, "ETABLERA_SUPPRESSION_THRESHOLD", 5),
        share_group=getattr(settings, "ETABLERA_SHARE_MIN_GROUP", 20),
        share_each=getattr(settings, "ETABLERA_SHARE_MIN_EACH", 5),
        noise=getattr(settings, "ETABLERA_NOISE_MAX", 2),
        median_group=getattr(settings, "ETABLERA_MEDIAN_MIN_GROUP", 20),
    )


# --- record keys ----------------------------------------------------------------------------


def _permutation(kind: str) -> tuple[int, int]:
    """The multiplier and offset of the record keys of ``kind`` (participant, enrolment),
    derived from ``ETABLERA_STATISTICS_KEY``: ``id ↦ (a · id + b) mod PRIME``."""
    secret = getattr(settings, "ETABLERA_STATISTICS_KEY", "") or ""
    if not secret:
        raise DisclosureConfigurationError(
            "ETABLERA_STATISTICS_KEY is empty: the record keys of the perturbation would be "
            "known to anyone. Set it to a long random string and never change it."
        )
    digest = hashlib.sha256(f"{kind}:{secret}".encode()).digest()
    a = int.from_bytes(digest[:8], "big") % (PRIME - 1) + 1  # 1 … PRIME − 1: a permutation
    b = int.from_bytes(digest[8:16], "big") % PRIME
    return a, b


class RecordKey(Func):
    """A record's key in SQL: ``(a · id + b) mod PRIME`` with the secret ``a``, ``b`` of its
    kind. Different ids get different keys (``a`` is invertible modulo the prime), so
    ``SUM(DISTINCT key)`` adds up one key per distinct record; taken modulo ``KEY_RANGE`` it
    is the cell key. Integer arithmetic only (no ``%``), the same on SQLite and PostgreSQL."""

    output_field = BigIntegerField()
    arity = 1

    def __init__(self, expression: Any, kind: str) -> None:
        self.kind = kind
        super().__init__(expression)

    def as_sql(self, compiler, connection, **extra_context):
        a, b = _permutation(self.kind)
        sql, params = compiler.compile(self.source_expressions[0])
        mixed = f"(CAST({sql} AS BIGINT) * %s + %s)"
        return (
            f"({mixed} - ({mixed} / %s) * %s)",
            [*params, a, b, *params, a, b, PRIME, PRIME],
        )


def record_key(record_id: int, kind: str) -> int:
    """:class:`RecordKey` in Python (tests and the reference computation)."""
    a, b = _permutation(kind)
    return (a * record_id + b) % PRIME


# --- the perturbation table -----------------------------------------------------------------


def _column(limit: int) -> tuple[int, ...]:
    """The noise of each of the KEY_RANGE cell keys: −limit … +limit, weighted like a
    triangle (0 most often, the extremes least), symmetric, so the noise averages 0."""
    values = range(-limit, limit + 1)
    weights = [limit + 1 - abs(v) for v in values]
    total = sum(weights)
    slots = [KEY_RANGE * w // total for w in weights]
    slots[limit] += KEY_RANGE - sum(slots)  # what rounding left over goes to "no noise"
    return tuple(v for v, n in zip(values, slots, strict=True) for _i in range(n))


_COLUMNS: dict[int, tuple[int, ...]] = {}


def noise(value: int, cell_key: int, limit: int) -> int:
    """The perturbation of a true count ``value`` with ``cell_key``: never more than ``limit``
    either way, never below −``value`` (a count does not go negative)."""
    if value <= 0:
        return 0
    column = _COLUMNS.get(limit) or _COLUMNS.setdefault(limit, _column(limit))
    return max(-value, column[(cell_key + value * STRIDE) % KEY_RANGE])


def perturb(value: int, key_sum: int, limit: int) -> int:
    """A true count as published (before the threshold): ``value`` + its noise."""
    return value + noise(value, key_sum % KEY_RANGE, limit)


def share(numerator: int, denominator: int) -> int:
    """A share in whole percent, rounded half up."""
    exact = Decimal(100 * numerator) / Decimal(denominator)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def share_deviation(numerator: int, denominator: int, limit: int) -> int:
    """How far a share published from perturbed counts (``numerator`` of ``denominator``)
    can lie from the register's, in whole percentage points: the worst case over every true
    numerator and denominator within ``limit``, plus the rounding."""
    published = 100 * numerator / denominator
    worst = 0.0
    for n in range(max(1, denominator - limit), denominator + limit + 1):
        for k in range(max(0, numerator - limit), min(n, numerator + limit) + 1):
            worst = max(worst, abs(published - 100 * k / n))
    return math.ceil(worst + 0.5)


def cell(value: Any, suppressed: bool, display: str | None = None) -> Cell:
    """The presentation cell of a figure: the suppression symbol, never the value, when hidden."""
    if suppressed:
        return Cell(None, suppressed=True)
    return Cell(value, display=display)
