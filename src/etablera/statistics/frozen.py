"""A closed follow-up period's figures never change: they are kept when first published.

Figures are live: a late registration changes the register and with it the figures of the
periods it falls in. For a period still open that is expected (its figures are labelled
preliminary). Once a follow-up period is closed its report goes to the executive board and
becomes a public document; its figures must then stay what they were, or the difference between
two publications would describe the late registrations one by one.

So when figures are asked for a period whose dates are those of a closed follow-up period, each
grouping's aggregates — counts, costs, medians and the sums of the record keys — are read from
:class:`~.models.PublishedFigures` if kept, or computed now and kept. The municipality's total
and one-way breakdowns are kept at the moment of closing (``followup.signals.period_closed``);
other scopes and two-way breakdowns when first asked for. The protection is then applied to
them exactly as to live figures (``protection.publish``): same records, same values.
"""

from __future__ import annotations

import datetime
import hashlib
from decimal import Decimal
from typing import Any

from django.db import IntegrityError, transaction

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


def kept(period, scope: Scope, groupings: list[Grouping]) -> dict[Grouping, dict[GroupKey, Raw]]:
    """The kept aggregates of those of ``groupings`` that have been kept (one query)."""
    names = {",".join(g): g for g in groupings}
    rows = PublishedFigures.objects.filter(
        start=period.start, end=period.end, scope=scope_id(scope), grouping__in=list(names)
    ).values_list("grouping", "groups")
    return {names[grouping]: load(groups) for grouping, groups in rows}


def keep(
    period, scope: Scope, computed: dict[Grouping, dict[GroupKey, Raw]], as_of: datetime.date
) -> None:
    """Keep newly computed aggregates (another request may have kept them first: then the
    first one stands, and this computation's figures are the same people's anyway)."""
    for grouping, raw in computed.items():
        try:
            with transaction.atomic():
                PublishedFigures.objects.create(
                    start=period.start,
                    end=period.end,
                    scope=scope_id(scope),
                    grouping=",".join(grouping),
                    as_of=as_of,
                    groups=dump(raw),
                )
        except IntegrityError:
            continue
