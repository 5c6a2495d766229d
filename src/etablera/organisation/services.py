"""Writes to the organisation: each one a use case in one transaction, naming its ``actor``."""

from __future__ import annotations

from django.db import transaction

from etablera.accounts.trail import records_actor

from .models import Body, Municipality, Unit


@records_actor
@transaction.atomic
def save_body(body: Body, *, actor) -> Body:
    """Validate and save a body (new or changed)."""
    body.full_clean()
    body.save()
    return body


@records_actor
@transaction.atomic
def save_unit(unit: Unit, *, actor) -> Unit:
    """Validate and save a unit, keeping the materialised paths of it and its subtree right."""
    unit.full_clean()
    old_path = unit.path if unit.pk else None
    unit.save()
    parent_path = unit.parent.path if unit.parent_id else "/"
    new_path = f"{parent_path}{unit.pk}/"
    depth = new_path.count("/") - 2
    if new_path != unit.path or depth != unit.depth:
        unit.path, unit.depth = new_path, depth
        Unit.objects.filter(pk=unit.pk).update(path=new_path, depth=depth)
        if old_path:
            for child in Unit.objects.filter(path__startswith=old_path).exclude(pk=unit.pk):
                child.path = new_path + child.path[len(old_path) :]
                child.depth = child.path.count("/") - 2
                child.save(update_fields=["path", "depth"])
    return unit


@records_actor
@transaction.atomic
def save_municipality(municipality: Municipality, *, actor) -> Municipality:
    """Validate and save the municipality's own record (name, code, demo flag)."""
    municipality.full_clean()
    municipality.save()
    return municipality
