"""Writes to the mandate register: each one a use case in one transaction.

Every service validates the whole object (``full_clean``: the model's rules and its database
constraints) and raises ``ValidationError`` with Swedish messages per field, so a form shows
them next to the field and the API answers 400. Each takes the acting user (``actor``,
keyword-only), whom django-auditlog records with each change (``accounts.trail``) and the
mandate page shows as change history.
"""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.text import slugify

from etablera.accounts.trail import records_actor

from .models import Decision, Mandate, PolicyArea


@records_actor
@transaction.atomic
def save_mandate(mandate: Mandate, *, actor) -> Mandate:
    """Validate and save a mandate, new or changed.

    End before start, a performer, commissioner or follow-up body outside the municipality, a
    commissioned mandate without a commissioner, or an ordinary one with one, are refused. A
    commissioned mandate whose decision is not yet registered is saved — the register must hold
    reality — and ``mandate.missing_decision`` flags it.
    """
    mandate.full_clean()
    mandate.save()
    return mandate


@records_actor
def create_mandate(*, actor, **fields: Any) -> Mandate:
    """A new mandate from field values (``owner=…, performer_unit=…, level=…``)."""
    return save_mandate(Mandate(**fields), actor=actor)


@records_actor
def update_mandate(mandate: Mandate, *, actor, **changes: Any) -> Mandate:
    """Change some fields of a mandate; nothing is saved if the result is invalid."""
    for name, value in changes.items():
        setattr(mandate, name, value)
    try:
        return save_mandate(mandate, actor=actor)
    except ValidationError:
        mandate.refresh_from_db()
        raise


@records_actor
@transaction.atomic
def save_decision(decision: Decision, *, actor) -> Decision:
    """Validate and save a decision (body, date, §, case number, title, link)."""
    decision.full_clean()
    decision.save()
    return decision


@records_actor
def create_decision(*, actor, **fields: Any) -> Decision:
    return save_decision(Decision(**fields), actor=actor)


@records_actor
def save_decision_for_mandate(decision: Decision, mandate: Mandate, *, actor) -> Decision:
    """Register the decision a commissioned mandate lacked and link it: both, or neither.

    If the mandate refuses the decision (say, a KS commission and a decision of another body),
    the decision is not saved either and both objects are as they were.
    """
    was_new = decision.pk is None
    try:
        with transaction.atomic():
            save_decision(decision, actor=actor)
            mandate.decision = decision
            save_mandate(mandate, actor=actor)
    except ValidationError:
        if was_new:
            decision.pk = None
        mandate.decision = None
        raise
    return decision


@records_actor
@transaction.atomic
def save_policy_area(area: PolicyArea, *, actor) -> PolicyArea:
    """Validate and save a policy area; its code is made from the name when left empty."""
    area.name = (area.name or "").strip()
    if not area.code:
        area.code = slugify(area.name)[:40]
    area.full_clean()
    area.save()
    return area


@records_actor
def create_policy_area(*, actor, **fields: Any) -> PolicyArea:
    return save_policy_area(PolicyArea(**fields), actor=actor)
