"""Synthetic identity numbers for generated registers, tests and benchmarks.

Every synthetic number is a valid personnummer (dates, Luhn) whose birth number (the three
digits after the date) lies in the series 980–999. See ``docs/register-synthetic.md`` for why
this series, what it does and does not guarantee, and the further safeguards: numbers are only
generated into a municipality flagged as demo data, and only ever stored encrypted.
"""

from __future__ import annotations

import datetime as dt
import random

SERIES = range(980, 1000)
FIRST_BIRTH = dt.date(1958, 1, 1)
LAST_BIRTH = dt.date(2009, 12, 31)
_DAYS = (LAST_BIRTH - FIRST_BIRTH).days + 1


def luhn(digits: str) -> int:
    """The check digit of the nine digits YYMMDDNNN (modulus 10, weights 2 and 1)."""
    total = 0
    for index, char in enumerate(digits):
        value = int(char) * (2 - index % 2)
        total += value - 9 if value > 9 else value
    return (10 - total % 10) % 10


def number_for(birth: dt.date, serial: int) -> str:
    """The 12-digit personnummer for a birth date and a birth number."""
    body = f"{birth:%y%m%d}{serial:03d}"
    return f"{birth:%Y%m%d}{serial:03d}{luhn(body)}"


def synthetic_number(index: int) -> str:
    """The ``index``-th number of the synthetic series (deterministic, distinct per index)."""
    if index < 0 or index >= _DAYS * len(SERIES):
        raise ValueError("the synthetic series has no number with that index")
    birth = FIRST_BIRTH + dt.timedelta(days=index % _DAYS)
    serial = SERIES[(index // _DAYS) % len(SERIES)]
    return number_for(birth, serial)


def is_synthetic(canonical: str) -> bool:
    """Whether a 12-digit number (personnummer or samordningsnummer) is of the synthetic series."""
    if len(canonical) != 12 or not canonical.isdigit():
        return False
    day = int(canonical[6:8])
    try:
        birth = dt.date(int(canonical[:4]), int(canonical[4:6]), day - 60 if day > 60 else day)
    except ValueError:
        return False
    return FIRST_BIRTH <= birth <= LAST_BIRTH and int(canonical[8:11]) in SERIES


def _capacity(year: int, gender: str) -> int:
    """How many numbers of one kind a birth year holds for one gender (dates × serials)."""
    days = (dt.date(year, 12, 31) - dt.date(year, 1, 1)).days + 1
    return days * (len(SERIES) if gender == "X" else len(SERIES) // 2)


#: Reserve numbers of the synthetic register: never shaped like an identity number.
RESERVE_PREFIX = "SYNT-"


def coordination_number_for(birth: dt.date, serial: int) -> str:
    """The 12-digit samordningsnummer (day + 60) for a birth date and a birth number."""
    day = birth.day + 60
    body = f"{birth:%y%m}{day:02d}{serial:03d}"
    return f"{birth:%Y%m}{day:02d}{serial:03d}{luhn(body)}"


class NumberPool:
    """Hands out distinct synthetic numbers for people of a given birth year and gender.

    A birth year holds 3,650 personnummer per gender in the series. When a year is full, as it
    is for the most common ages in a register of a few hundred thousand, the person gets a
    samordningsnummer of the same series and year (as many newly arrived people do), and when
    those are full too, a synthetic reserve number (``SYNT-0000001``), which has no limit. So
    any size can be made, and the sizes that fit in personnummer come out exactly as before.
    """

    def __init__(self, rng: random.Random, first_reserve: int = 1) -> None:
        self.rng = rng
        # (ordinal of the date, serial, kind) as one int: a million numbers stay small.
        self.used: set[int] = set()
        self.counts: dict[tuple[int, str, int], int] = {}
        self.next_reserve = first_reserve

    def take(self, birth_year: int, gender: str) -> tuple[str, str]:
        """``(kind, number)``: kind is personnummer, samordningsnummer or reserve."""
        year = min(max(birth_year, FIRST_BIRTH.year), LAST_BIRTH.year)
        for kind, make in ((0, number_for), (1, coordination_number_for)):
            if self.counts.get((year, gender, kind), 0) >= _capacity(year, gender):
                continue
            number = self._take_in_year(year, gender, kind, make)
            if number is not None:
                self.counts[(year, gender, kind)] = self.counts.get((year, gender, kind), 0) + 1
                return ("personnummer" if kind == 0 else "samordningsnummer", number)
            self.counts[(year, gender, kind)] = _capacity(year, gender)
        number = f"{RESERVE_PREFIX}{self.next_reserve:07d}"
        self.next_reserve += 1
        return ("reserve", number)

    def _take_in_year(self, year: int, gender: str, kind: int, make) -> str | None:
        start = dt.date(year, 1, 1)
        length = (dt.date(year, 12, 31) - start).days + 1
        # Men have an odd birth number, women an even one; X is given either.
        serials = [s for s in SERIES if gender == "X" or (s % 2 == 1) == (gender == "M")]
        offset = self.rng.randrange(length)
        for step in range(length):
            birth = start + dt.timedelta(days=(offset + step) % length)
            base = birth.toordinal() * 2000 + kind * 1000
            free = [s for s in serials if base + s not in self.used]
            if free:
                serial = self.rng.choice(free)
                self.used.add(base + serial)
                return make(birth, serial)
        return None
