"""What every app's Django admin builds on: writes go through the services, or not at all.

A ``ModelAdmin`` either saves through the app's service (:class:`ServiceAdmin`, or its own
``save_model`` and, with editable inlines, ``save_formset``), so the admin passes the same
checks as the pages and the API and the trail names the administrator, or it is read-only
(:class:`ReadOnlyAdmin`). ``tests/web/test_admin_writes.py`` holds every registered admin to
this.
"""

from __future__ import annotations

from typing import Any

from django.contrib import admin


class ReadOnlyMixin:
    """Nothing can be added, changed or deleted here: the pages and their services do that."""

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


class ServiceAdmin(admin.ModelAdmin):
    """Saves through ``service`` (``staticmethod(services.save_x)``) as the signed-in user."""

    service: Any

    def save_model(self, request, obj, form, change) -> None:
        self.service(obj, actor=request.user)


class ReadOnlyAdmin(ReadOnlyMixin, admin.ModelAdmin):
    """For inspection only."""


class ReadOnlyTabularInline(ReadOnlyMixin, admin.TabularInline):
    """Related rows shown for inspection under an admin that writes through a service."""
