"""Every Etablera model's admin writes through the app's services, or is read-only."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from etablera.accounts import services as account_services
from etablera.accounts.models import RoleAssignment
from etablera.accounts.roles import Role
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def _defined_in_etablera(klass: type, method: str) -> bool:
    """Is ``method`` overridden by Etablera's own code (not inherited from Django's)?"""
    for base in klass.__mro__:
        if method in vars(base):
            return base.__module__.startswith("etablera.")
    return False


def _read_only(model_admin, request) -> bool:
    return not model_admin.has_add_permission(request) and not model_admin.has_change_permission(
        request
    )


def test_every_admin_saves_through_a_service_or_is_read_only():
    request = RequestFactory().get("/admin/")
    request.user = UserFactory(is_staff=True, is_superuser=True)
    ours = {
        model: model_admin
        for model, model_admin in admin.site._registry.items()
        if model.__module__.startswith("etablera.")
    }
    assert len(ours) > 20
    bypassing = []
    for model, model_admin in ours.items():
        if _read_only(model_admin, request):
            continue
        if not _defined_in_etablera(type(model_admin), "save_model"):
            bypassing.append(model._meta.label)
        for inline in model_admin.get_inline_instances(request):
            editable = inline.has_add_permission(request, None) or inline.has_change_permission(
                request
            )
            if editable and not _defined_in_etablera(type(model_admin), "save_formset"):
                bypassing.append(f"{model._meta.label} → {inline.model._meta.label}")
    assert bypassing == []


def test_role_assignments_saved_in_the_admin_are_checked(body, unit):
    user = UserFactory()
    with pytest.raises(ValidationError):
        account_services.grant_role(
            RoleAssignment(user=user, role=Role.COACH, body=body, unit=unit), actor=UserFactory()
        )
    assert not RoleAssignment.objects.filter(user=user).exists()
