"""Published figures are kept: a closed period's for good, an open period's for a month.

Figures computed live would follow the register from one registration to the next, and two
questions a day apart would differ by exactly the people registered in between — the groups
whose figures moved would describe them (cell-key perturbation gives an unchanged group the
same value, so a moved value says the group changed). Statistics offices publish at fixed
release points instead, and so does Etablera:

* an open period's figures are **preliminary**: kept at their first publication in a calendar
  month (the *release*, ``2026-01``) and served from that for the rest of the month, so a
  difference between two releases covers a month of registrations, not one;
* a closed follow-up period's figures are **final**: kept when it closes (the municipality's
  total and one-way breakdowns, ``closing``) or when first asked for after (other scopes and
  breakdowns), and served from then on — next week and next year the same, whatever late
  registrations do to the register.

What is kept is each grouping's aggregates — counts, costs, medians and the sums of the record
keys (:class:`~.models.PublishedFigures`); the protection is applied to them exactly as to
fresh ones (``protection.publish``), so the same records give the same values.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from .definitions import FOLLOW_UP_DAYS, Scope
from .models import PublishedFigures
from .results import GroupKey, Raw

Grouping = tuple[str, ...]


def is_closed(period) -> bool:
    """Whether a closed follow-up period has exactly these dates: its figures are then final,
    otherwise preliminary."""
    from etablera.followup.models import Period, PeriodStatus

    return Period.objects.filter(
        start=period.start, end=period.end, status=PeriodStatus.CLOSED
    ).exists()


def scope_id(scope: Scope) -> str:
    """The scope's key with a digest of its units (a unit's sub-units may change)."""
    if scope.unit_ids is None:
        return scope.key
    units = ",".join(str(pk) for pk in sorted(scope.unit_ids))
    return f"{scope.key}:{hashlib.sha256(units.encode()).hexdigest()[:16]}"


def dump(raw: dict[GroupKey, Raw]) -> list[Any]:
    rows = []
    for key, r in raw.items():
        rows.append(
            [
                [list(pair) for pair in key],
                {
                    "active": r.active,
                    "new": r.new,
                    "ended": r.ended,
                    "exit_ws": r.exit_ws,
                    "exit_work": r.exit_work,
                    "cost": str(r.cost),
                    "observed": {str(d): r.observed[d] for d in FOLLOW_UP_DAYS},
                    "observed_ws": {str(d): r.observed_ws[d] for d in FOLLOW_UP_DAYS},
                    "median": r.median,
                    "keys": r.keys,
                },
            ]
        )
    return rows


def load(rows: list[Any]) -> dict[GroupKey, Raw]:
    result: dict[GroupKey, Raw] = {}
    for key, data in rows:
        result[tuple((dim, value) for dim, value in key)] = Raw(
            active=data["active"],
            new=data["new"],
            ended=data["ended"],
            exit_ws=data["exit_ws"],
            exit_work=data["exit_work"],
            cost=Decimal(data["cost"]),
            observed={d: data["observed"][str(d)] for d in FOLLOW_UP_DAYS},
            observed_ws={d: data["observed_ws"][str(d)] for d in FOLLOW_UP_DAYS},
            median=data["median"],
            keys=dict(data["keys"]),
        )
    return result


def release(final: bool, today: datetime.date) -> str:
    """The release figures belong to: "" when final, else the month of ``today``."""
    return "" if final else f"{today:%Y-%m}"


def kept(
    period, scope: Scope, groupings: list[Grouping], release: str
) -> dict[Grouping, dict[GroupKey, Raw]]:
    """The kept aggregates of those of ``groupings`` that have been kept (one query)."""
    names = {",".join(g): g for g in groupings}
    rows = PublishedFigures.objects.filter(
        start=period.start,
        end=period.end,
        scope=scope_id(scope),
        grouping__in=list(names),
        release=release,
    ).values_list("grouping", "groups")
    return {names[grouping]: load(groups) for grouping, groups in rows}


def keep(
    period,
    scope: Scope,
    computed: dict[Grouping, dict[GroupKey, Raw]],
    as_of: datetime.date,
    release: str,
) -> None:
    """Keep newly computed aggregates, in one statement (another request may have kept them
    first: then the first one stands, and this computation's figures are of the same people)."""
    if not computed:
        return
    PublishedFigures.objects.bulk_create(
        [
            PublishedFigures(
                start=period.start,
                end=period.end,
                scope=scope_id(scope),
                grouping=",".join(grouping),
                release=release,
                as_of=as_of,
                groups=dump(raw),
            )
            for grouping, raw in computed.items()
        ],
        ignore_conflicts=True,
    )
