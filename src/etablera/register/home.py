"""The coach's panel on the start page: follow-ups due and the participants now in an
intervention, each in one query."""

from __future__ import annotations

from django.db.models import Q
from django.utils import timezone

from etablera.accounts import policy

from . import selectors


def panels(request) -> list[dict]:
    if not policy.can(request.user, "register.observation.change"):
        return []
    today = timezone.localdate()
    queryset, _expand = selectors.due_follow_ups(request.user)
    active = (
        selectors.enrolments(request.user)
        .filter(Q(end__isnull=True) | Q(end__gte=today), start__lte=today)
        .order_by()
        .values("participant_id")
        .distinct()
        .count()
    )
    return [
        {
            "template": "register/home_panel.html",
            "due": queryset.count(),
            "active": active,
            "order": 2,
        }
    ]
