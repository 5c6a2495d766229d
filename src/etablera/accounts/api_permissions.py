"""The DRF permission class: asks the access policy, like every view does."""

from __future__ import annotations

from rest_framework.permissions import BasePermission

from . import policy


class PolicyPermission(BasePermission):
    """Authenticated users only; then the viewset's policy action for the request.

    Object checks for changes go through ``policy.can``; objects the user may not see are
    already filtered out of the queryset, so they answer 404.

    A viewset may name ``scoped_reads``: actions answered from the policy-scoped queryset
    alone, so a user without the role gets what a user whose scope is empty gets — an empty
    list and 404s — rather than a 403 that would tell them the endpoint holds something.
    """

    def has_permission(self, request, view) -> bool:
        if not (request.user and request.user.is_authenticated):
            return False
        action_for = getattr(view, "action_for", None)
        if action_for is None:  # schema and docs views
            return True
        if getattr(view, "action", None) in getattr(view, "scoped_reads", ()):
            return True
        action = action_for(getattr(view, "action", None))
        return action is not None and policy.can(request.user, action)

    def has_object_permission(self, request, view, obj) -> bool:
        action_for = getattr(view, "action_for", None)
        if action_for is None:
            return True
        action = action_for(getattr(view, "action", None))
        return action is not None and policy.can(request.user, action, obj)
