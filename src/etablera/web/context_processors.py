"""Values every page needs: the municipality, the navigation, the demo banner."""

from __future__ import annotations

from django.http import HttpRequest

from etablera.organisation.models import Municipality

from .navigation import items_for


def site(request: HttpRequest) -> dict:
    municipality = getattr(request, "_etablera_municipality", None)
    if municipality is None:
        municipality = Municipality.objects.current()
        request._etablera_municipality = municipality  # type: ignore[attr-defined]
    user = getattr(request, "user", None)
    nav = items_for(user) if user is not None and user.is_authenticated else []
    path = request.path
    for entry in nav:
        entry["current"] = path == entry["url"] or (
            entry["url"] != "/" and path.startswith(entry["url"])
        )
    return {
        "municipality": municipality,
        "nav_items": nav,
        "is_demo": bool(municipality and municipality.is_demo),
    }
