"""Keyset pagination for the register's long lists: a page is "the next rows after this one".

A numbered page (``Paginator``) counts every row the filters match and skips the pages before
it, both of which grow with the register. A keyset page reads one row more than it shows (to
know whether there is a next page) from where the previous one ended, along the index that
serves the order, so the first page and the thousandth cost the same.

The position travels as the primary key of the last row shown (``?efter=123``), never as the
values the list is sorted by: those may be names, which do not belong in a URL.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import reduce
from operator import or_
from typing import Any, Generic, TypeVar

from django.db import models
from django.db.models import Q, QuerySet

M = TypeVar("M", bound=models.Model)


@dataclass
class KeysetPage(Generic[M]):
    rows: list[M]
    #: The primary key to continue after, or None on the last page.
    next_after: int | None
    #: Whether this is the first page (no position was given, or it was not found).
    first: bool

    def __iter__(self):
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.rows)

    @property
    def has_other_pages(self) -> bool:
        return self.next_after is not None or not self.first


def parse_after(raw: Any) -> int | None:
    """The ``efter`` parameter as a primary key; anything else starts from the beginning."""
    try:
        value = int(str(raw))
    except (TypeError, ValueError):
        return None
    return value if value > 0 else None


def _after_q(ordering: tuple[str, ...], anchor: dict[str, Any]) -> Q:
    """Rows strictly after ``anchor`` in ``ordering`` (each field ascending or "-"descending;
    the last field must be unique, e.g. the primary key). The first field is also bounded on
    its own (``>=``/``<=``) so that the database can start its index scan there."""
    parts = []
    for i, term in enumerate(ordering):
        name = term.lstrip("-")
        op = "lt" if term.startswith("-") else "gt"
        equal = {t.lstrip("-"): anchor[t.lstrip("-")] for t in ordering[:i]}
        parts.append(Q(**equal, **{f"{name}__{op}": anchor[name]}))
    first = ordering[0].lstrip("-")
    bound = "lte" if ordering[0].startswith("-") else "gte"
    return Q(**{f"{first}__{bound}": anchor[first]}) & reduce(or_, parts)


def page(queryset: QuerySet[M], ordering: tuple[str, ...], after: int | None, size: int):
    """The ``size`` rows of ``queryset`` (already filtered and scoped) after the row ``after``.

    The row is looked up in the same queryset, so a position outside the user's scope or the
    filters starts from the beginning instead of revealing anything about it.
    """
    queryset = queryset.order_by(*ordering)
    first = True
    if after is not None:
        fields = [term.lstrip("-") for term in ordering]
        anchor = queryset.filter(pk=after).values(*fields).first()
        if anchor is not None:
            queryset = queryset.filter(_after_q(ordering, anchor))
            first = False
    rows = list(queryset[: size + 1])
    next_after = rows[size - 1].pk if len(rows) > size else None
    return KeysetPage(rows[:size], next_after, first)
