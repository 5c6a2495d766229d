"""Navigation by role: each app lists its entries in ``nav.py``; users see what they may open.

An entry names the policy action that guards its page, so the navigation never offers a page
that would answer 403 or 404.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.urls import reverse
from django.utils.functional import Promise

from etablera.accounts import policy

from .plugins import contributions


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str
    action: str
    order: int = 100
    #: The first path segment of pages that belong to this entry (for aria-current).
    section: str = ""


def all_items() -> list[NavItem]:
    items: list[NavItem] = []
    for module in contributions("nav"):
        items.extend(getattr(module, "ITEMS", []))
    return sorted(items, key=lambda item: item.order)


def items_for(user) -> list[dict]:
    """The entries ``user`` may open, with their URLs."""
    result = []
    for item in all_items():
        if policy.can(user, item.action):
            url = reverse(item.url_name)
            result.append({"label": item.label, "url": url, "item": item})
    return result
