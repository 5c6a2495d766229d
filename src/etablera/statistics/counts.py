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

from django.db.models import Q, Sum
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.tables import Cell

from . import disclosure

#: Whoever may see every participant sees exact counts.
PERSONAL_DATA = "register.participant.view"


def active_filter(today: dt.date, prefix: str = "enrolments__") -> Q:
    """Enrolments going on ``today``: started, and not ended before it."""
    return Q(**{f"{prefix}start__lte": today}) & (
        Q(**{f"{prefix}end__isnull": True}) | Q(**{f"{prefix}end__gte": today})
    )


def active_key(today: dt.date) -> Sum:
    """The sum of the record keys of an intervention's enrolments going on ``today`` (an
    annotation beside their count): the count's cell key."""
    return Sum(disclosure.RecordKey("enrolments__id", "enrolment"), filter=active_filter(today))


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


def protect(user, interventions: Iterable[Any]) -> None:
    """Set ``participants_now`` on each intervention (annotated with ``active_count`` and
    ``active_key``, see ``register.selectors.interventions``) as ``user`` may see it."""
    exact = exact_for(user)
    for intervention in interventions:
        intervention.participants_now = protected(
            intervention.active_count, intervention.active_key, exact
        )


def note(user) -> str:
    """What the counts are, said beside them."""
    if exact_for(user):
        return _("Antalen är exakta: du har behörighet att se alla deltagare.")
    limits = disclosure.thresholds()
    return _(
        "Antalen kan avvika med upp till ±%(noise)s från en räkning för hand i registret, och "
        "antal under %(count)s visas som ”..”, så att ingen enskild deltagare kan pekas ut."
    ) % {"noise": limits.noise, "count": limits.count}
