"""The start-page panel for reporters: what their body or units have yet to acknowledge."""

from __future__ import annotations

from django.utils import timezone

from etablera.accounts import policy

from . import selectors

SHOWN = 5


def panels(request) -> list[dict]:
    if not policy.can(request.user, "documents.acknowledge"):
        return []
    pending = list(selectors.pending_for(request.user)[: SHOWN + 1])
    more = 0
    if len(pending) > SHOWN:
        more = selectors.pending_for(request.user).count() - SHOWN
        pending = pending[:SHOWN]
    return [
        {
            "template": "documents/home_panel.html",
            "pending": pending,
            "more": more,
            "today": timezone.localdate(),
            "order": 4,
        }
    ]
