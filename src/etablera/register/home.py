"""The coach's panel on the start page: follow-ups due and the way into the register."""

from __future__ import annotations

from etablera.accounts import policy

from . import selectors


def panels(request) -> list[dict]:
    if not policy.can(request.user, "register.observation.change"):
        return []
    queryset, _expand = selectors.due_follow_ups(request.user)
    return [{"template": "register/home_panel.html", "due": queryset.count()}]
