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
    """Whether a 12-digit number belongs to the synthetic series."""
    if len(canonical) != 12 or not canonical.isdigit():
        return False
    try:
        birth = dt.date(int(canonical[:4]), int(canonical[4:6]), int(canonical[6:8]))
    except ValueError:
        return False
    return FIRST_BIRTH <= birth <= LAST_BIRTH and int(canonical[8:11]) in SERIES


class NumberPool:
    """Hands out distinct synthetic numbers for people of a given birth year and gender."""

    def __init__(self, rng: random.Random) -> None:
        self.rng = rng
        self.used: set[tuple[dt.date, int]] = set()

    def take(self, birth_year: int, gender: str) -> str:
        year = min(max(birth_year, FIRST_BIRTH.year), LAST_BIRTH.year)
        start = dt.date(year, 1, 1)
        length = (dt.date(year, 12, 31) - start).days + 1
        # Men have an odd birth number, women an even one; X is given either.
        serials = [s for s in SERIES if gender == "X" or (s % 2 == 1) == (gender == "M")]
        offset = self.rng.randrange(length)
        for step in range(length):
            birth = start + dt.timedelta(days=(offset + step) % length)
            free = [s for s in serials if (birth, s) not in self.used]
            if free:
                serial = self.rng.choice(free)
                self.used.add((birth, serial))
                return number_for(birth, serial)
        raise ValueError(f"the synthetic series is full for {year}")
