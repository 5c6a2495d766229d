"""Writes to users and their roles (made in the Django admin by system administrators): the
one way a role is granted or taken away, each change validated and saved in one transaction.

Separation of duties: a role that sees personal data (``PERSONAL_DATA_ROLES``) is never granted
by a user to themself, and every grant or withdrawal of one is written to the access log and
e-mailed to the register's owner (``ETABLERA_REGISTER_OWNER_EMAIL``), so an administrator who
gives someone — or an account of their own making — access to participants is seen doing it.
The Django admin's user page saves role assignments through these functions.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _

from . import policy
from .access_log import log_access
from .models import RoleAssignment, User
from .roles import PERSONAL_DATA_ROLES, Role
from .trail import records_actor

logger = logging.getLogger(__name__)


@records_actor
@transaction.atomic
def save_user(user: User, *, actor) -> User:
    """Save a user (new or changed); the password is set by the admin's form beforehand."""
    user.save()
    policy.forget_grants(user)
    return user


def _check_not_self(actor, assignment: RoleAssignment) -> None:
    if assignment.role in PERSONAL_DATA_ROLES and actor.pk == assignment.user_id:
        raise ValidationError(
            {
                "role": _(
                    "Du kan inte ge dig själv rollen %(role)s, som ser personuppgifter. "
                    "Be en annan administratör."
                )
                % {"role": Role(assignment.role).label}
            }
        )


def check_grant(assignment: RoleAssignment, *, actor) -> None:
    """Raise ValidationError if ``actor`` may not save ``assignment`` (forms call it early)."""
    _check_not_self(actor, assignment)


def _notify_owner(actor, assignment: RoleAssignment, what: str) -> None:
    """Tell the register's owner, after the change is committed (a failed mail is logged)."""
    address = settings.ETABLERA_REGISTER_OWNER_EMAIL
    if not address:
        return
    subject = _("Etablera: behörighet till personuppgifter %(what)s") % {"what": what}
    body = _(
        "%(actor)s har %(what)s rollen %(role)s (%(scope)s) för användaren %(user)s.\n\n"
        "Ändringen finns i åtkomstloggen. Kontakta systemförvaltningen om den inte var "
        "beställd."
    ) % {
        "actor": actor.get_username(),
        "what": what,
        "role": Role(assignment.role).label,
        "scope": assignment.scope_label,
        "user": assignment.user.get_username(),
    }

    def send() -> None:
        try:
            send_mail(subject, body, None, [address])
        except OSError:
            logger.exception("Could not e-mail the register's owner about a role change")

    transaction.on_commit(send)


def _record(actor, assignment: RoleAssignment, action: str, what: str) -> None:
    if assignment.role not in PERSONAL_DATA_ROLES:
        return
    log_access(
        actor,
        action,
        assignment,
        detail=f"{assignment.role} for user {assignment.user_id} ({assignment.scope_label})",
    )
    _notify_owner(actor, assignment, what)


@records_actor
@transaction.atomic
def grant_role(assignment: RoleAssignment, *, actor) -> RoleAssignment:
    """Save a new or changed role assignment made by ``actor``."""
    _check_not_self(actor, assignment)
    assignment.full_clean()
    previous = None
    if assignment.pk:
        previous = RoleAssignment.objects.filter(pk=assignment.pk).first()
    assignment.save()
    changed = previous is None or (previous.role, previous.body_id, previous.unit_id) != (
        assignment.role,
        assignment.body_id,
        assignment.unit_id,
    )
    if changed and previous is not None:
        _record(actor, previous, "role.revoke", _("tagit bort"))
    if changed:
        _record(actor, assignment, "role.grant", _("gett"))
    policy.forget_grants(assignment.user)
    return assignment


@records_actor
@transaction.atomic
def revoke_role(assignment: RoleAssignment, *, actor) -> None:
    """Remove a role assignment; a personal-data role's removal is recorded like its grant."""
    _record(actor, assignment, "role.revoke", _("tagit bort"))
    assignment.delete()
    policy.forget_grants(assignment.user)
