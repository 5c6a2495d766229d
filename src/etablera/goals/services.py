"""Every write to goals and indicators: one use case per function, validated, in a transaction."""

from __future__ import annotations

from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from etablera.accounts.trail import person, records_actor
from etablera.mandates.models import Mandate

from .models import Goal, Indicator, IndicatorValue, SourceKind, Target


@records_actor
@transaction.atomic
def save_goal(goal: Goal, mandates: Iterable[Mandate] | None = None, *, actor) -> Goal:
    """Create or change a goal (and its linked mandates when given)."""
    goal.full_clean()
    goal.save()
    if mandates is not None:
        goal.mandates.set(mandates)
    return goal


@records_actor
@transaction.atomic
def save_indicator(
    indicator: Indicator, goals: Iterable[Goal] | None = None, *, actor
) -> Indicator:
    """Create or change an indicator; its existing targets must still fall within its goals'
    validity."""
    indicator.full_clean()
    indicator.save()
    if goals is not None:
        goals = list(goals)
        indicator.goals.set(goals)
        if goals:
            outside = sorted(
                {
                    t.year
                    for t in indicator.targets.all()
                    if not any(g.valid_in_year(t.year) for g in goals)
                }
            )
            if outside:
                raise ValidationError(
                    {
                        "goals": _(
                            "Indikatorn har målvärden för år utanför de valda målens "
                            "giltighetstid: %(years)s."
                        )
                        % {"years": ", ".join(str(y) for y in outside)}
                    }
                )
    return indicator


@records_actor
@transaction.atomic
def save_target(target: Target, *, actor) -> Target:
    """Create or change a target; a year outside the indicator's goals' validity is refused."""
    target.full_clean()
    target.save()
    return target


@records_actor
@transaction.atomic
def delete_target(target: Target, *, actor) -> None:
    target.delete()


@records_actor
@transaction.atomic
def save_value(value: IndicatorValue, *, actor) -> IndicatorValue:
    """Enter or correct a value by hand. Values of an indicator computed from the register are
    not typed in; a value must fit the indicator's unit (a share lies within 0–100 %)."""
    if value.indicator_id and value.indicator.source == SourceKind.REGISTER:
        raise ValidationError(
            _("Indikatorns värden beräknas ur deltagarregistret och matas inte in för hand."),
            code="computed",
        )
    if not value.source:
        value.source = SourceKind.MANUAL
    if value.suppressed:
        value.value = None
    if person(actor) is not None:
        value.entered_by = person(actor)
    value.full_clean(validate_unique=False)
    clash = IndicatorValue.objects.filter(
        indicator_id=value.indicator_id,
        start=value.start,
        end=value.end,
        gender=value.gender,
        municipality_code=value.municipality_code,
    ).exclude(pk=value.pk)
    if clash.exists():
        raise ValidationError(
            {
                "value": _(
                    "Det finns redan ett värde för indikatorn, perioden och könet; ändra det i "
                    "stället."
                )
            },
            code="duplicate",
        )
    try:
        with transaction.atomic():
            value.save()
    except IntegrityError as exc:
        raise ValidationError(
            _("Värdet kunde inte sparas: det krockar med ett annat värde.")
        ) from exc
    return value


@records_actor
@transaction.atomic
def delete_value(value: IndicatorValue, *, actor) -> None:
    value.delete()
