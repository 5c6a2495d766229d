"""Single sign-on through the municipality's identity provider (OpenID Connect).

mozilla-django-oidc runs the authorisation-code flow; this backend matches the signed-in person
to an Etablera user by one claim (``ETABLERA_OIDC_USERNAME_CLAIM``, by default
``preferred_username``, compared with the user name, case-insensitively). Roles are never taken
from the provider: they are assigned in Etablera, so a person the register does not know gets a
user without roles (or none at all with ``ETABLERA_OIDC_CREATE_USERS=false``). The provider's
own multi-factor policy stands in for Etablera's second factor.
"""

from __future__ import annotations

import logging

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver
from mozilla_django_oidc.auth import OIDCAuthenticationBackend

from .twofactor import SIGNED_IN_BY_IDP

logger = logging.getLogger("etablera.sso")
BACKEND = "etablera.accounts.sso.MunicipalityOIDCBackend"


def enabled() -> bool:
    return BACKEND in settings.AUTHENTICATION_BACKENDS


class MunicipalityOIDCBackend(OIDCAuthenticationBackend):
    """Users matched by one claim; new users get no roles."""

    def _claim(self, claims: dict) -> str:
        value = claims.get(settings.ETABLERA_OIDC_USERNAME_CLAIM)
        return value.strip() if isinstance(value, str) else ""

    def verify_claims(self, claims: dict) -> bool:
        return bool(self._claim(claims))

    def filter_users_by_claims(self, claims: dict):
        username = self._claim(claims)
        if not username:
            return self.UserModel.objects.none()
        return self.UserModel.objects.filter(username__iexact=username, is_active=True)

    def create_user(self, claims: dict):
        if not settings.ETABLERA_OIDC_CREATE_USERS:
            logger.info("sign-in refused for an unknown user of the identity provider")
            return None
        user = get_user_model().objects.create_user(
            username=self._claim(claims)[:150],
            email=claims.get("email", "") or "",
            first_name=(claims.get("given_name", "") or "")[:150],
            last_name=(claims.get("family_name", "") or "")[:150],
        )
        logger.info("user %s created at first sign-in through the identity provider", user)
        return user

    def update_user(self, user, claims: dict):
        changed = False
        for field, claim in (
            ("email", "email"),
            ("first_name", "given_name"),
            ("last_name", "family_name"),
        ):
            value = (claims.get(claim) or "")[:150]
            if value and getattr(user, field) != value:
                setattr(user, field, value)
                changed = True
        if changed:
            user.save(update_fields=["email", "first_name", "last_name"])
        return user


@receiver(user_logged_in)
def _remember_idp_sign_in(sender, request, user, **kwargs) -> None:
    if request is not None and getattr(user, "backend", "") == BACKEND:
        request.session[SIGNED_IN_BY_IDP] = True
