"""The register KPIs in the consolidated follow-up report (see ``followup.consolidated``).

``sections`` adds a part with the period's KPIs, their trend over the periods before it and the
breakdowns by intervention category, gender and years since municipal reception. ``entry_extras``
adds, under each report entry about a mandate that interventions are run on, the outcomes of
those interventions (R7): they then appear both in the performing body's part and in the
commissioning body's part. Figures are the reader's widest scope (the whole municipality from
the command line), with disclosure control applied as everywhere.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils.translation import gettext as _

from etablera.web.tables import Section, Table

from . import lattice, presentation, selectors
from .kpis import Scope

#: The breakdowns the report shows (the same as the dashboard's).
DIMENSIONS = ("category", "gender", "reception")


def _scope(user) -> Scope | None:
    return selectors.widest_scope(user)


def _range(period):
    from etablera.goals.periods import PeriodRange

    return PeriodRange(period.start, period.end, period.name, period)


def sections(period, user) -> list[Section]:
    scope = _scope(user)
    if scope is None:
        return []
    rng = _range(period)
    try:
        lattice.require(rng)
    except lattice.UnprotectablePeriod as exc:
        # A period of its own dates still gets its report; its statistics would not be safe.
        return [
            Section(
                title=_("Arbetsmarknadsinsatser: nyckeltal"),
                intro=" ".join(str(m) for m in exc.messages),
                order=60,
                anchor="arbetsmarknad-0",
            )
        ]
    report = selectors.compute(rng, scope, (), one_way=DIMENSIONS)
    if report.is_empty:
        return []
    points = selectors.trend(user, rng, scope, current=report)
    parts = presentation.sections(report, DIMENSIONS, points)
    first = parts[0]
    first.title = _("Arbetsmarknadsinsatser: nyckeltal")
    first.intro = _(
        "Nyckeltal ur deltagarregistret för %(period)s, %(scope)s. ”..” betyder att uppgiften "
        "döljs för att ingen enskild person ska kunna pekas ut."
    ) % {"period": period.name, "scope": scope.label}
    for index, part in enumerate(parts):
        part.order = 60 + index
        part.anchor = f"arbetsmarknad-{index}"
    return parts


def entry_extras(period, entries, user) -> dict[int, list[Table]]:
    """Under each entry about a mandate with interventions: the interventions' outcomes."""
    from etablera.register.models import Intervention

    scope = _scope(user)
    mandate_ids = {e.mandate_id for e in entries if e.mandate_id}
    if scope is None or not mandate_ids or lattice.kind(period.start, period.end) is None:
        return {}
    by_mandate: dict[int, set[int]] = defaultdict(set)
    for pk, mandate_id in Intervention.objects.filter(
        commissioning_mandate_id__in=mandate_ids
    ).values_list("pk", "commissioning_mandate_id"):
        by_mandate[mandate_id].add(pk)
    if not by_mandate:
        return {}
    report = selectors.compute(
        _range(period), scope, ("intervention",), kpis_wanted=selectors.OUTCOME_KPIS
    )
    result: dict[int, list[Table]] = {}
    for entry in entries:
        wanted = by_mandate.get(entry.mandate_id or 0)
        if not wanted:
            continue
        rows = [g for g in report.rows() if g.value("intervention") in wanted]
        result[entry.pk] = [
            presentation.outcomes_table(
                report,
                rows,
                _("Resultat för insatserna på uppdraget, %(period)s, %(scope)s")
                % {"period": period.code, "scope": scope.label},
            )
        ]
    return result
