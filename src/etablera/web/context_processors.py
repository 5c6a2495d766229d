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
    # The longest matching entry is the current one (/styrdokument/att-kvittera/ is not also
    # /styrdokument/).
    best = max(
        (e for e in nav if path == e["url"] or (e["url"] != "/" and path.startswith(e["url"]))),
        key=lambda e: len(e["url"]),
        default=None,
    )
    for entry in nav:
        entry["current"] = entry is best
    return {
        "municipality": municipality,
        "nav_items": nav,
        "is_demo": bool(municipality and municipality.is_demo),
    }
