"""Participant counts shown outside the KPI tables: how many take part in an intervention now.

Such a count is live — it moves the day someone starts or leaves — so shown exactly it would
tell, from one day to the next, that one person joined the intervention (issue 12, route 4), and
a small intervention's count would say who is in it. Someone who may see every participant
(personal data, everywhere) loses nothing by the exact count; everyone else gets it through
the same protection as every KPI (``disclosure``, ADR 0007): perturbed by the cell key of the
enrolments behind it, so the same enrolments always give the same value and one more enrolment
gives a count with noise of its own; hidden (".."), like a group with nobody in it, below the
threshold.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.db.models import Count, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.tables import Cell

from . import disclosure

#: Whoever may see every participant sees exact counts.
PERSONAL_DATA = "register.participant.view"


def active(interventions: Iterable[int], today: dt.date) -> dict[int, tuple[int, int]]:
    """Per intervention of ``interventions`` (ids): how many enrolments go on ``today`` and
    the sum of their record keys (the count's cell key).

    Counted for the rows shown, in two reads along indexes, rather than annotated on the list's
    query, which would join every enrolment of every intervention on each request: the open
    enrolments (a partial index holds only those), and the few that end today or later (ends
    are refused in the future, so only today's; read along the index on ``end``, the only
    condition of that read, so that no database walks the interventions' whole index instead —
    SQLite does when it may).
    """
    from etablera.register.models import Enrolment

    ids = set(interventions)
    found: dict[int, tuple[int, int]] = {}
    for pk, n, key in (
        Enrolment.objects.filter(end__isnull=True, start__lte=today, intervention_id__in=ids)
        .order_by()
        .values("intervention_id")
        .annotate(n=Count("pk"), key=Sum(disclosure.RecordKey("id", "enrolment")))
        .values_list("intervention_id", "n", "key")
    ):
        found[pk] = (n, int(key or 0))
    for enrolment, pk, start in (
        Enrolment.objects.filter(end__gte=today)
        .order_by()
        .values_list("pk", "intervention_id", "start")
    ):
        if pk in ids and start <= today:
            n, key = found.get(pk, (0, 0))
            found[pk] = (n + 1, key + disclosure.record_key(enrolment, "enrolment"))
    return found


def exact_for(user) -> bool:
    """Whether ``user`` may see every participant, and so the exact counts."""
    return policy.reach(user, PERSONAL_DATA).everywhere


def protected(count: int, key_sum: int | None, exact: bool = False) -> Cell:
    """A participant count as ``user`` may see it (``exact`` for those with personal-data
    access everywhere): perturbed and hidden below the threshold otherwise."""
    if exact:
        return Cell(count)
    limits = disclosure.thresholds()
    shown = disclosure.perturb(count, key_sum or 0, limits.noise)
    if count < limits.count or shown < limits.count:
        return disclosure.cell(None, True)
    return disclosure.cell(shown, False)


def protect(user, interventions: Iterable[Any], today: dt.date | None = None) -> None:
    """Set ``participants_now`` on each intervention as ``user`` may see it: the enrolments
    going on ``today`` (by default the day it is), counted for these rows only."""
    rows = list(interventions)
    exact = exact_for(user)
    found = active((i.pk for i in rows), today or timezone.localdate())
    for intervention in rows:
        count, key = found.get(intervention.pk, (0, 0))
        intervention.participants_now = protected(count, key, exact)


def note(user) -> str:
    """What the counts are, said beside them."""
    if exact_for(user):
        return _("Antalen är exakta: du har behörighet att se alla deltagare.")
    limits = disclosure.thresholds()
    return _(
        "Antalen kan avvika med upp till ±%(noise)s från en räkning för hand i registret, och "
        "antal under %(count)s visas som ”..”, så att ingen enskild deltagare kan pekas ut."
    ) % {"noise": limits.noise, "count": limits.count}
