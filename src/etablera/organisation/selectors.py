"""Reads of the organisation, scoped by the access policy."""

from __future__ import annotations

from django.db.models import Count, QuerySet

from etablera.accounts import policy

from .models import Body, Unit


def bodies(user, *, kind: str = "") -> QuerySet[Body]:
    """Bodies the user may see, with their unit counts, council first."""
    qs = Body.objects.select_related("municipality").annotate(unit_count=Count("units"))
    if kind:
        qs = qs.filter(kind=kind)
    return policy.scope(user, "organisation.view", qs)


def units_of(body: Body) -> list[Unit]:
    """The body's units in tree order (by materialised path)."""
    return list(body.units.select_related("parent").order_by("path"))
