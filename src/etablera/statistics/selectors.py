"""Reads for the KPI pages, the API, reports and other apps: scoped by the access policy.

Whose figures a user sees is decided here, from the user's role assignments and the rules of
``statistics.rules``: a municipality-wide role sees the whole municipality, a coach their unit's
participants, a reporter their body's. Each such reach is a :class:`~.kpis.Scope` the user may
choose. Users are offered the scopes of their own role assignments only, not any unit inside
them: the figures of a scope and of a unit within it, side by side, would give the rest of the
scope by subtraction, a figure no suppression looked at.
"""

from __future__ import annotations

import datetime
import functools
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.organisation.models import Body, Unit

from . import disclosure, frozen, kpis, lattice
from .definitions import OUTCOME_KPIS, Scope, municipality_scope
from .presentation import outcomes_table
from .results import KpiReport, run_side_by_side

VIEW = "statistics.kpis.view"

#: The KPIs of the trend charts: computed from one query per period.
TREND_KPIS = (
    "active_participants",
    "new_participants",
    "ended_enrolments",
    "exit_work_or_studies_share",
    "exit_unsubsidised_work_share",
)
#: How many periods (the chosen one included) the trends cover.
TREND_LENGTH = 5
#: The one-way breakdowns the dashboard shows.
DASHBOARD_DIMENSIONS = ("category", "gender", "reception")


def compute(
    period,
    scope: Scope,
    by: Any = (),
    *,
    one_way: Any = (),
    kpis_wanted=None,
    as_of: datetime.date | None = None,
    revised: bool = True,
) -> KpiReport:
    """``kpis.compute``, remembered for a while: a dashboard is read far more often than the
    register changes.

    The cache key holds everything the result depends on — the period, the scope, the
    breakdowns, the thresholds, the language, the day, the month's release of preliminary
    figures (``frozen``) — and the register's *version*: the
    newest entry of the change history (every change made through the forms and the API is
    recorded there, deletions included) and the newest import run (bulk imports write no
    history). A change therefore shows at once, in every server process; the time limit
    (``ETABLERA_KPI_CACHE_SECONDS``, 0 turns the cache off) bounds anything else.
    """
    from django.conf import settings
    from django.core.cache import cache
    from django.utils import timezone
    from django.utils.translation import get_language

    seconds = getattr(
        settings, "ETABLERA_KPI_CACHE_SECONDS", 0 if settings.ENVIRONMENT == "test" else 600
    )
    if not seconds:
        return kpis.compute(
            period, scope, by, one_way=one_way, kpis=kpis_wanted, as_of=as_of, revised=revised
        )
    limits = disclosure.thresholds()
    as_of = as_of or timezone.localdate()
    key = (
        "statistics.kpis:"
        + hashlib.sha256(
            repr(
                (
                    _register_version(),
                    frozen.release(False, timezone.localdate()),  # this month's release
                    period.start,
                    period.end,
                    str(period.label),
                    scope.key,
                    sorted(scope.unit_ids or ()),
                    tuple(by) if not isinstance(by, str) else by,
                    tuple(one_way),
                    tuple(sorted(kpis_wanted or ())),
                    as_of,
                    limits,
                    revised,
                    get_language(),
                )
            ).encode()
        ).hexdigest()
    )
    found = cache.get(key)
    if found is None:
        found = kpis.compute(
            period, scope, by, one_way=one_way, kpis=kpis_wanted, as_of=as_of, revised=revised
        )
        cache.set(key, found, seconds)
    return found


def _register_version() -> tuple:
    """The newest change and import, by id and time (ids alone can be reused after a
    rollback)."""
    from auditlog.models import LogEntry

    from etablera.register.models import ImportRun

    newest_change = LogEntry.objects.order_by("-pk").values_list("pk", "timestamp").first()
    newest_import = ImportRun.objects.order_by("-pk").values_list("pk", "started_at").first()
    return newest_change, newest_import


class InvalidScope(ValidationError):
    """A scope the user may not choose; the message is in Swedish."""


def scopes_for(user, action: str = VIEW) -> list[Scope]:
    """The scopes ``user`` may see KPIs for, widest first (empty: none at all).

    An operator (``policy.Operator``: the command line, background jobs) reaches everywhere
    but holds no role at a unit; it is offered what the roles give: the municipality and the
    scope of every unit and body where a role that sees KPIs is assigned — the scopes users
    see, never a unit of one's own choosing inside them.
    """
    reach = policy.reach(user, action)
    result: list[Scope] = [municipality_scope()] if reach.everywhere else []
    places = _assigned_places(action) if isinstance(user, policy.Operator) else reach.places
    for place in places:
        if place.unit_id is not None:
            result.append(unit_scope(Unit.objects.get(pk=place.unit_id)))
        else:
            result.append(body_scope(Body.objects.get(pk=place.body_id)))
    return result


def widest_scope(user, action: str = VIEW) -> Scope | None:
    """The first of :func:`scopes_for` (None: no KPIs at all), without building the others."""
    if policy.reach(user, action).everywhere:
        return municipality_scope()
    options = scopes_for(user, action)
    return options[0] if options else None


def _assigned_places(action: str) -> list[policy.Grant]:
    """Every unit and body where a role holding ``action`` within its place is assigned to
    someone (an unscoped role's holders reach everywhere: no place of theirs is a scope)."""
    from etablera.accounts.models import RoleAssignment

    clauses = policy.actions()[action]
    scoped = {c.role for c in clauses if c.scoped} - {c.role for c in clauses if not c.scoped}
    rows = (
        RoleAssignment.objects.filter(role__in=sorted(scoped))
        .exclude(body__isnull=True, unit__isnull=True)
        .values_list("body_id", "unit_id")
        .distinct()
        .order_by("body_id", "unit_id")
    )
    return [policy.Grant("", body_id, unit_id, None) for body_id, unit_id in rows]


def unit_scope(unit: Unit) -> Scope:
    """The scope of a unit and the units under it: what a role at the unit sees, and what
    ``etablera kpis --scope enhet:N`` gives an operator (one definition for both). Figures of
    a unit and of one of its units differ by the rest plus two independent pieces of noise
    (``disclosure``): subtracting them pins nobody down."""
    ids = Unit.objects.filter(path__startswith=unit.path).values_list("pk", flat=True)
    return Scope(f"enhet-{unit.pk}", unit.name, frozenset(ids))


def body_scope(body: Body) -> Scope:
    """The scope of a body's units (a reporter's reach; ``--scope organ:N``)."""
    ids = Unit.objects.filter(body_id=body.pk).values_list("pk", flat=True)
    return Scope(f"organ-{body.pk}", body.name, frozenset(ids))


def scope_for(user, key: str | None = None, action: str = VIEW) -> Scope:
    """The scope ``key`` if ``user`` may see it (the widest one by default).

    Raises ``PermissionDenied`` when the user may see no KPIs at all and :class:`InvalidScope`
    for a scope that is not theirs.
    """
    options = scopes_for(user, action)
    if not options:
        raise PermissionDenied
    if not key:
        return options[0]
    for option in options:
        if option.key == key:
            return option
    raise InvalidScope(
        _("Du kan inte välja omfattningen ”%(key)s”. Välj bland: %(choices)s.")
        % {"key": key, "choices": ", ".join(o.key for o in options)},
        code="scope",
    )


def resolve(text: str):
    """A period text (code, year or date range) as a ``PeriodRange``, refused unless it is a
    period of the lattice statistics are made for (see ``statistics.lattice``)."""
    from etablera.goals.periods import resolve_period

    period = resolve_period(text)
    lattice.require(period)
    return period


def report(
    user,
    period,
    by: Any = (),
    *,
    scope: Scope | None = None,
    one_way: Any = (),
    kpis_wanted=None,
    as_of: datetime.date | None = None,
) -> KpiReport:
    """The protected KPIs of ``period`` as ``user`` may see them (their widest scope unless
    ``scope`` is given — which must be one of theirs)."""
    scope = scope or scope_for(user)
    return compute(period, scope, by, one_way=one_way, kpis_wanted=kpis_wanted, as_of=as_of)


@dataclass
class TrendPoint:
    label: str
    report: KpiReport


def trend_periods(period) -> list[tuple[str, datetime.date, datetime.date]]:
    """The chosen period and the ``TREND_LENGTH - 1`` before it, of the same kind, oldest
    first: standard codes step back a code, other ranges step back their own length in months.
    Periods of one kind never overlap, so no figure of one is a sum of another's."""
    from etablera.goals.periods import code_for_range, earlier_codes, parse_standard

    code = period.code or code_for_range(period.start, period.end)
    if code and parse_standard(code) is not None:
        result = []
        for earlier in earlier_codes(code, TREND_LENGTH - 1):
            standard = parse_standard(earlier)
            result.append((earlier, standard.start, standard.end))
        return [*result, (code, period.start, period.end)]
    months = (period.end.year - period.start.year) * 12 + period.end.month - period.start.month + 1
    whole = period.start.day == 1 and (period.end + datetime.timedelta(days=1)).day == 1
    if (period.start.month, period.end.month) == (1, 12) and whole and months == 12:
        years = [period.start.year - n for n in range(TREND_LENGTH - 1, -1, -1)]
        return [(str(y), datetime.date(y, 1, 1), datetime.date(y, 12, 31)) for y in years]
    if not whole:
        return [(period.label, period.start, period.end)]
    result = []
    for step in range(TREND_LENGTH - 1, -1, -1):
        start = _add_months(period.start, -months * step)
        end = _add_months(start, months) - datetime.timedelta(days=1)
        result.append((f"{start:%Y-%m}–{end:%Y-%m}", start, end))
    return result


def _add_months(day: datetime.date, months: int) -> datetime.date:
    index = day.year * 12 + day.month - 1 + months
    return datetime.date(index // 12, index % 12 + 1, 1)


def trend(
    user,
    period,
    scope: Scope,
    as_of: datetime.date | None = None,
    current: KpiReport | None = None,
) -> list[TrendPoint]:
    """The trend KPIs for each period of :func:`trend_periods` (one query set per period);
    ``current``, the chosen period's report when already computed, is reused for its point."""
    tasks = _trend_tasks(period, scope, as_of, current)
    # The periods are independent: computed side by side, each on its own connection.
    return _trend_points(period, run_side_by_side(tasks), current)


def report_with_trend(
    user, period, scope: Scope, one_way: Any = (), as_of: datetime.date | None = None
) -> tuple[KpiReport, list[TrendPoint]]:
    """A dashboard's figures: the period's report with ``one_way`` breakdowns and the trend
    over earlier periods, all computed side by side (none depends on another)."""
    tasks: dict[Any, Callable[[], Any]] = {
        "report": functools.partial(compute, period, scope, (), one_way=one_way, as_of=as_of),
        **_trend_tasks(period, scope, as_of, None, skip=(period.start, period.end)),
    }
    done = run_side_by_side(tasks)
    report = done["report"]
    return report, _trend_points(period, done, report)


def _trend_tasks(period, scope, as_of, current, skip=None) -> dict[Any, Callable[[], Any]]:
    from etablera.goals.periods import PeriodRange

    if current is not None:
        skip = (current.period.start, current.period.end)
    return {
        ("trend", label): functools.partial(
            compute,
            PeriodRange(start, end, label),
            scope,
            (),
            kpis_wanted=TREND_KPIS,
            as_of=as_of,
            revised=False,  # a trend shows each period's published figures
        )
        for label, start, end in trend_periods(period)
        if (start, end) != skip
    }


def _trend_points(period, done: dict, current: KpiReport | None) -> list[TrendPoint]:
    points = []
    for label, _start, _end in trend_periods(period):
        report = done.get(("trend", label), current)
        if report is not None:
            points.append(TrendPoint(label, report))
    return points


def period_query(period) -> str:
    """The text that selects ``period`` on the dashboard (a code, a year or whole months)."""
    if period.code:
        return period.code
    whole_year = (period.start.month, period.start.day, period.end.month, period.end.day) == (
        1,
        1,
        12,
        31,
    )
    if whole_year and period.start.year == period.end.year:
        return str(period.start.year)
    return f"{period.start:%Y-%m-%d}..{period.end:%Y-%m-%d}"


def current_year():
    return resolve(str(timezone.localdate().year))


def mandate_outcomes(user, mandate, period=None) -> dict[str, Any] | None:
    """The outcomes of the interventions a mandate commissions, as ``user`` may see them.

    For the mandate's page (``statistics/includes/mandate_outcomes.html``) and the commissioning
    body's report (R7): one row per intervention with participants in the period, taken from
    the by-intervention breakdown of the user's widest scope, so a figure here is protected
    exactly as everywhere else (no mandate subtotal is published: it would be a new sum to
    subtract from). None when the user may see no KPIs.
    """
    from etablera.register.models import Intervention

    scope = widest_scope(user)
    if scope is None:
        return None
    period = period or current_year()
    wanted = set(
        Intervention.objects.filter(commissioning_mandate=mandate).values_list("pk", flat=True)
    )
    rows = []
    if wanted:
        result = compute(period, scope, ("intervention",), kpis_wanted=OUTCOME_KPIS)
        rows = [group for group in result.rows() if group.value("intervention") in wanted]
    caption = _("Resultat för uppdragets insatser, %(period)s, %(scope)s") % {
        "period": period.label,
        "scope": scope.label,
    }
    return {
        "period": period,
        "query": period_query(period),
        "scope": scope,
        "interventions": len(wanted),
        "table": outcomes_table(result, rows, caption) if rows else None,
    }
