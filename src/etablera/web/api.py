"""API plumbing shared by every app: the router, the exception handler, the base viewset."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from rest_framework import exceptions, serializers, viewsets
from rest_framework.routers import DefaultRouter
from rest_framework.views import exception_handler as drf_exception_handler

from etablera.accounts import policy

router = DefaultRouter()

#: ``http_method_names`` of a viewset whose objects are never deleted through the API (a
#: mandate ends with a status, a report is returned, a value is corrected).
NO_DELETE = ["get", "post", "put", "patch", "head", "options"]


def exception_handler(exc: Exception, context: dict[str, Any]):
    """Turn a model's ValidationError into a 400 with field errors instead of a 500."""
    if isinstance(exc, DjangoValidationError):
        detail = (
            exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        )
        exc = exceptions.ValidationError(detail=detail)
    return drf_exception_handler(exc, context)


class PolicyViewSetMixin:
    """Scope the queryset and check every action through the access policy.

    Subclasses set ``view_action`` (list and retrieve) and ``change_action`` (create, update,
    destroy); ``create_action`` and ``destroy_action`` default to ``change_action``.
    """

    view_action: str
    change_action: str | None = None
    create_action: str | None = None
    destroy_action: str | None = None

    def action_for(self, drf_action: str | None) -> str | None:
        if drf_action in {"list", "retrieve", None} or getattr(self, "request", None) is None:
            return self.view_action
        if drf_action == "create":
            return self.create_action or self.change_action
        if drf_action == "destroy":
            return self.destroy_action or self.change_action
        if drf_action in {"update", "partial_update"}:
            return self.change_action
        return getattr(self, f"{drf_action}_action", None) or self.change_action

    def get_queryset(self):
        qs = super().get_queryset()  # type: ignore[misc]
        return policy.scope(self.request.user, self.view_action, qs)  # type: ignore[attr-defined]


class ServiceSerializer(serializers.ModelSerializer):
    """Create and update through the app's service, as the request's user.

    The service validates the whole object again and names its ``actor`` in the change trail,
    so the API refuses exactly what the forms refuse. A subclass names the service
    (``service = staticmethod(services.save_goal)``, or a method taking ``(instance, *, actor,
    **relations)``) and the to-many fields the service takes as keyword arguments
    (``relations``), which cannot be set on an object before it is saved.
    """

    service: Any
    relations: tuple[str, ...] = ()

    def _save(self, instance, validated_data):
        extra = {
            name: validated_data.pop(name) for name in self.relations if name in validated_data
        }
        for key, value in validated_data.items():
            setattr(instance, key, value)
        return self.service(instance, actor=self.context["request"].user, **extra)

    def create(self, validated_data):
        return self._save(self.Meta.model(), validated_data)

    def update(self, instance, validated_data):
        return self._save(instance, validated_data)


class PolicyModelViewSet(PolicyViewSetMixin, viewsets.ModelViewSet):
    pass


class PolicyReadOnlyViewSet(PolicyViewSetMixin, viewsets.ReadOnlyModelViewSet):
    pass


__all__ = [
    "NO_DELETE",
    "Http404",
    "PolicyModelViewSet",
    "PolicyReadOnlyViewSet",
    "ServiceSerializer",
    "router",
]
