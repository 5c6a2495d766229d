"""Writes to users and their roles (made by system administrators on the user pages or in the
Django admin): the one way a user is created or deactivated and a role granted or taken away,
each change validated, saved in one transaction and written to the trail (the access log).

Separation of duties: a role that sees personal data (``PERSONAL_DATA_ROLES``) is never granted
by a user to themself, and every grant or withdrawal of one is also e-mailed to the register's
owner (``ETABLERA_REGISTER_OWNER_EMAIL``), so an administrator who gives someone — or an
account of their own making — access to participants is seen doing it. The user pages and the
Django admin's user page save role assignments through these functions.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.db import transaction
from django.utils.translation import gettext as _
from django_otp import user_has_device

from . import policy, twofactor
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


@records_actor
@transaction.atomic
def create_user(user: User, *, actor, password: str = "") -> User:
    """Create a user who holds no role yet, recorded in the trail.

    ``password`` is the first password, checked against the password rules; without one the
    account has no usable password and signs in through the municipality's identity provider
    (or after a password reset). Roles are granted afterwards, each through
    :func:`grant_role`.
    """
    user.username = (user.username or "").strip()
    if User.objects.filter(username__iexact=user.username).exists():
        raise ValidationError({"username": _("Det finns redan en användare med det namnet.")})
    if password:
        validate_password(password, user)
        user.set_password(password)
    else:
        user.set_unusable_password()
    user.full_clean(exclude=["password"])
    user.save()
    log_access(actor, "user.create", user, detail=f"user {user.username}")
    return user


@records_actor
@transaction.atomic
def set_active(user: User, active: bool, *, actor) -> User:
    """Deactivate a user (who can no longer sign in, and whose API tokens stop working with
    them) or activate them again; recorded in the trail. Nobody deactivates themself: an
    administrator who did would lock themself out."""
    if not active and actor is not None and actor.pk == user.pk:
        raise ValidationError(_("Du kan inte inaktivera ditt eget konto."))
    user = User.objects.select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    log_access(
        actor,
        "user.activate" if active else "user.deactivate",
        user,
        detail=f"user {user.username}",
    )
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
    """Every grant and withdrawal goes to the trail; one that sees personal data also to the
    register's owner."""
    log_access(
        actor,
        action,
        assignment,
        detail=f"{assignment.role} for user {assignment.user_id} ({assignment.scope_label})",
    )
    if assignment.role in PERSONAL_DATA_ROLES:
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


@records_actor
@transaction.atomic
def reset_two_factor(user: User, *, actor) -> None:
    """Remove a user's authenticator and recovery codes; they set up a new one at the next
    sign-in. Recorded in the trail. Nobody resets their own: it would let whoever knows the
    password sign in with it alone."""
    if actor is not None and actor.pk == user.pk:
        raise ValidationError(
            _("Du kan inte återställa din egen tvåfaktorsinloggning. Be en annan administratör.")
        )
    if not user_has_device(user, confirmed=None):
        raise ValidationError(_("Användaren har ingen tvåfaktorsinloggning att återställa."))
    twofactor.reset(user, actor=actor)
