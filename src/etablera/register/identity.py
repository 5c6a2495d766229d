"""Swedish identity numbers: personnummer and samordningsnummer, and local reserve numbers.

Validation is the ``personnummer`` package's (the reference implementation of the
cross-language test vectors: Luhn, dates, serial 000, the ``+`` separator). It rejects one
case that matters above all for newly arrived people: Skatteverket issues coordination numbers
whose birth month or day is unknown, written with month ``00`` or day ``60`` — an unknown
month with an unknown day (``0060``) or with a known day plus 60 (``0061``–``0091``). This
module is the one place that extends the package to accept them (``_Number.get_date``).
A personnummer (day 01–31) never has month ``00``.

Error messages never repeat the number: they may end up in logs and error reports.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from functools import lru_cache

from django.utils.translation import gettext_lazy as _
from personnummer.personnummer import (
    Personnummer,
    PersonnummerException,
    PersonnummerParseException,
)

PERSONNUMMER = "personnummer"
SAMORDNINGSNUMMER = "samordningsnummer"

_SHAPE = re.compile(r"^(\d{2})?(\d{2})(\d{2})(\d{2})([-+])?(\d{3})(\d)$")
_SPACES = re.compile(r"\s+")
_RESERVE = re.compile(r"^[A-ZÅÄÖ0-9][A-ZÅÄÖ0-9/_.-]{2,39}$")
#: Oldest birth year accepted: older numbers are typing errors, not people.
_MAX_AGE = 130


class InvalidIdentityNumber(ValueError):
    """A number that is not a valid personnummer or samordningsnummer; ``message`` is Swedish."""

    def __init__(self, message, code: str) -> None:
        super().__init__(str(message))
        self.message = message
        self.code = code


class _Number(Personnummer):
    """The package's number, extended to coordination numbers with an unknown month or day."""

    def is_coordination_number(self) -> bool:
        return int(self.day) >= 60

    def get_date(self) -> dt.date:
        month, day = int(self.month), int(self.day)
        year = int(self.full_year)
        if month == 0:
            # An unknown month: only a coordination number has one, with an unknown day (60)
            # or a known day (61-91, a day any month could hold: the first month stands in).
            if not 60 <= day <= 91:
                raise ValueError("month 00 only occurs in a coordination number")
            return dt.date(year, 1, 1 if day == 60 else day - 60)
        if day == 60:
            # Only the known parts must form a real date: the first day stands in for the
            # unknown one so the month is still checked.
            return dt.date(year, month, 1)
        return super().get_date()


@dataclass(frozen=True)
class IdentityNumber:
    """A valid number in its canonical 12-digit form with what can be read from it."""

    canonical: str
    kind: str
    birth_year: int
    birth_month: int | None
    birth_day: int | None
    gender: str  # "K" or "M": the ninth digit is odd for men

    @property
    def masked(self) -> str:
        """What a person may see to recognise a row: the date part, never the last four."""
        return f"{self.canonical[:8]}-****"

    @property
    def birth_date(self) -> dt.date | None:
        if self.birth_month is None or self.birth_day is None:
            return None
        return dt.date(self.birth_year, self.birth_month, self.birth_day)

    def short(self, today: dt.date | None = None) -> str:
        """The 10-digit form, ``+`` from the year the person turns 100."""
        today = today or dt.date.today()
        sep = "+" if today.year - self.birth_year >= 100 else "-"
        return f"{self.canonical[2:8]}{sep}{self.canonical[8:]}"

    @property
    def is_coordination_number(self) -> bool:
        return self.kind == SAMORDNINGSNUMMER


def _clean(text: object) -> str:
    if not isinstance(text, str | int):
        raise InvalidIdentityNumber(_("Identitetsnumret saknas."), "required")
    return _SPACES.sub("", str(text))


def parse(text: object, today: dt.date | None = None) -> IdentityNumber:
    """Validate a personnummer or samordningsnummer given in any accepted form.

    Accepted: ``YYYYMMDDNNNC``, ``YYYYMMDD-NNNC``, ``YYMMDD-NNNC`` and ``YYMMDD+NNNC`` (``+``
    for 100 years or older), spaces ignored. Raises :class:`InvalidIdentityNumber`.
    """
    cleaned = _clean(text)
    if not cleaned:
        raise InvalidIdentityNumber(_("Identitetsnumret saknas."), "required")
    shape = _SHAPE.match(cleaned)
    if shape is None:
        raise InvalidIdentityNumber(
            _("Identitetsnumret har fel form. Skriv ÅÅÅÅMMDD-NNNN."), "format"
        )
    if shape.group(6) == "000":
        raise InvalidIdentityNumber(_("Födelsenumret 000 förekommer inte."), "serial")
    try:
        number = _Number(cleaned)
    except PersonnummerParseException as exc:
        raise InvalidIdentityNumber(
            _("Identitetsnumret har fel form. Skriv ÅÅÅÅMMDD-NNNN."), "format"
        ) from exc
    except PersonnummerException as exc:
        probe = _Number.__new__(_Number)
        probe._parse_parts(cleaned)
        try:
            probe.get_date()
        except ValueError:
            raise InvalidIdentityNumber(
                _("Datumet i identitetsnumret finns inte."), "date"
            ) from exc
        raise InvalidIdentityNumber(
            _("Kontrollsiffran i identitetsnumret stämmer inte."), "checksum"
        ) from exc

    today = today or dt.date.today()
    year = int(number.full_year)
    month = int(number.month) or None
    raw_day = int(number.day)
    day: int | None = raw_day - 60 if raw_day > 60 else (None if raw_day == 60 else raw_day)
    # The earliest date the number can stand for: only a date surely in the future is refused.
    known = dt.date(year, month or 1, (day or 1) if month else 1)
    if known > today:
        raise InvalidIdentityNumber(
            _("Födelsedatumet i identitetsnumret ligger i framtiden."), "future"
        )
    if today.year - year > _MAX_AGE:
        raise InvalidIdentityNumber(_("Födelseåret i identitetsnumret är inte rimligt."), "year")
    return IdentityNumber(
        canonical=number.format(long_format=True),
        kind=SAMORDNINGSNUMMER if number.is_coordination_number() else PERSONNUMMER,
        birth_year=year,
        birth_month=month,
        birth_day=day,
        gender="M" if int(number.num) % 2 else "K",
    )


@lru_cache(maxsize=65536)
def parse_cached(text: str) -> IdentityNumber | InvalidIdentityNumber:
    """``parse`` for bulk imports, where each number recurs on several rows.

    Returns the exception instead of raising it, so that invalid numbers are cached too.
    """
    try:
        return parse(text)
    except InvalidIdentityNumber as exc:
        return exc


def is_valid(text: object) -> bool:
    try:
        parse(text)
    except InvalidIdentityNumber:
        return False
    return True


def mask(text: object) -> str:
    """A value for error reports and logs: the date part of what looks like a number.

    Works on invalid input too (that is what error reports show): keeps at most the first eight
    characters of a 12-digit form or six of a 10-digit form and replaces the rest with ``*``.
    """
    value = _SPACES.sub("", str(text or ""))
    digits = re.sub(r"\D", "", value)
    if not digits:
        return "****" if value else ""
    keep = 8 if len(digits) >= 12 else 6
    return f"{digits[:keep]}-****" if len(digits) > keep else "*" * len(value)


_EMBEDDED = re.compile(r"(?<!\d)(?:\d{8}|\d{6})[-+ ]?\d{4}(?!\d)")


def redact(text: str) -> str:
    """``text`` with anything shaped like an identity number masked, wherever it stands.

    For values shown in error reports: a number typed into the wrong column must not appear
    in clear either.
    """
    return _EMBEDDED.sub(lambda match: mask(match.group()), text)


def normalise_reserve_number(text: object) -> str:
    """A local reserve number in upper case; refuses anything that is an identity number.

    A reserve number is stored in clear, so it must never be a personal identity number typed
    in the wrong field.
    """
    value = _SPACES.sub("", str(text or "")).upper()
    if not value:
        raise InvalidIdentityNumber(_("Reservnumret saknas."), "required")
    if _SHAPE.match(value):
        raise InvalidIdentityNumber(
            _("Det här ser ut som ett personnummer. Ange det som identitetsnummer i stället."),
            "looks_like_identity",
        )
    if not _RESERVE.match(value):
        raise InvalidIdentityNumber(
            _("Reservnumret får bara innehålla bokstäver, siffror och bindestreck (3–40 tecken)."),
            "reserve_format",
        )
    return value
