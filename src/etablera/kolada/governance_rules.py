"""The governance check's rule about Kolada: an indicator must not silently use a KPI that
Kolada renamed or no longer has."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from etablera.governance.registry import Severity, ref, rule

CODE = "GOV-20"


@rule(CODE, _lazy("Indikator med ändrat eller borttaget Kolada-nyckeltal"), Severity.WARNING)
def indicator_with_flagged_kolada_kpi(rule, ctx):
    """An active indicator takes its values from a Kolada KPI whose title changed since it was
    chosen, or that Kolada no longer knows: its figures may no longer mean what the goal says."""
    from etablera.goals.models import Indicator

    from .models import Kpi

    flagged = {k.id: k for k in Kpi.objects.flagged()}
    if not flagged:
        return
    indicators = (
        Indicator.objects.filter(source="kolada", is_active=True, source_key__in=list(flagged))
        .prefetch_related("goals")
        .order_by("name")
    )
    for indicator in indicators:
        kpi = flagged[indicator.source_key]
        if kpi.missing:
            message = _(
                "Indikatorn ”%(name)s” hämtar värden från %(kpi)s, som inte längre finns i Kolada."
            ) % {"name": indicator.name, "kpi": kpi.id}
        else:
            message = _(
                "Indikatorn ”%(name)s” hämtar värden från %(kpi)s, vars titel i Kolada har "
                "ändrats från ”%(old)s” till ”%(new)s”."
            ) % {"name": indicator.name, "kpi": kpi.id, "old": kpi.accepted_title, "new": kpi.title}
        yield ctx.finding(
            rule,
            ref(indicator),
            message,
            bodies=[g.owner_id for g in indicator.goals.all()],
        )
