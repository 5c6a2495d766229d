"""Writes to users and their role assignments (made in the Django admin by system
administrators): each one validated and saved in one transaction."""

from __future__ import annotations

from django.db import transaction

from . import policy
from .models import RoleAssignment, User


@transaction.atomic
def save_user(user: User) -> User:
    """Save a user (new or changed); the password is set by the admin's form beforehand."""
    user.save()
    policy.forget_grants(user)
    return user


@transaction.atomic
def save_role_assignment(assignment: RoleAssignment) -> RoleAssignment:
    """Validate and save a role assignment: a role scoped to a body, a unit or the whole
    municipality (never both a body and a unit)."""
    assignment.full_clean()
    assignment.save()
    policy.forget_grants(assignment.user)
    return assignment


@transaction.atomic
def remove_role_assignment(assignment: RoleAssignment) -> None:
    user = assignment.user
    assignment.delete()
    policy.forget_grants(user)
