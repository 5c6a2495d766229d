"""API tokens: made by their owner, expiring, revocable, stored only as a digest.

A model of our own rather than DRF's ``authtoken``: that one keeps the key in clear in the
database, never expires, and offers the Django admin a page to make a token for any user —
which let an administrator act as a coach. Here a token is made only on the user's own account
page (``services.create_token``), lasts ``ETABLERA_API_TOKEN_DAYS`` days, and is sent as
``Authorization: Bearer <key>``.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from drf_spectacular.extensions import OpenApiAuthenticationExtension
from rest_framework import exceptions
from rest_framework.authentication import BaseAuthentication, get_authorization_header

from . import twofactor
from .models import ApiToken

KEYWORD = "Bearer"
#: Keys begin with this, so a leaked one is recognisable (e.g. by secret scanners).
KEY_PREFIX = "etb_"


def digest(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


@transaction.atomic
def create_token(user, name: str, *, two_factor: bool = False) -> tuple[ApiToken, str]:
    """A new token for ``user`` and its key, which is never shown or stored again.

    ``two_factor``: the session making it had given the second factor (see
    :attr:`ApiToken.two_factor`)."""
    key = KEY_PREFIX + secrets.token_urlsafe(32)
    now = timezone.now()
    token = ApiToken.objects.create(
        user=user,
        name=name.strip()[:100],
        prefix=key[len(KEY_PREFIX) : len(KEY_PREFIX) + 8],
        digest=digest(key),
        created_at=now,
        expires_at=now + timedelta(days=settings.ETABLERA_API_TOKEN_DAYS),
        two_factor=two_factor,
    )
    return token, key


def revoke_token(user, token: ApiToken) -> None:
    """Revoke one of ``user``'s own tokens (idempotent)."""
    if token.user_id != user.pk:
        raise ApiToken.DoesNotExist
    if token.revoked_at is None:
        ApiToken.objects.filter(pk=token.pk, revoked_at__isnull=True).update(
            revoked_at=timezone.now()
        )


class ApiTokenAuthentication(BaseAuthentication):
    """``Authorization: Bearer <key>``: the key's active token signs in its owner."""

    def authenticate(self, request):
        parts = get_authorization_header(request).split()
        if not parts or parts[0].lower() != KEYWORD.lower().encode():
            return None
        malformed = _("Felaktig API-nyckel i Authorization.")
        if len(parts) != 2:
            raise exceptions.AuthenticationFailed(malformed)
        try:
            key = parts[1].decode()
        except UnicodeError:
            raise exceptions.AuthenticationFailed(malformed) from None
        token = ApiToken.objects.select_related("user").filter(digest=digest(key)).first()
        if token is None or not token.user.is_active:
            raise exceptions.AuthenticationFailed(_("Okänd API-nyckel."))
        if token.revoked_at is not None:
            raise exceptions.AuthenticationFailed(_("API-nyckeln är återkallad."))
        now = timezone.now()
        if token.expires_at <= now:
            raise exceptions.AuthenticationFailed(
                _("API-nyckeln gick ut %(date)s. Skapa en ny under Mitt konto.")
                % {"date": timezone.localtime(token.expires_at).date().isoformat()}
            )
        if not token.two_factor and twofactor.required_for(token.user):
            # Made with a password alone, by someone whose roles now require two factors
            # (a role granted since, or the requirement turned on): as weak as its sign-in.
            raise exceptions.AuthenticationFailed(
                _(
                    "API-nyckeln skapades utan tvåfaktorsinloggning, som din roll kräver. "
                    "Skapa en ny under Mitt konto."
                )
            )
        if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        return token.user, token

    def authenticate_header(self, request) -> str:
        return f'{KEYWORD} realm="api"'


class ApiTokenScheme(OpenApiAuthenticationExtension):
    """Describes the token in the OpenAPI document as HTTP bearer authentication."""

    target_class = ApiTokenAuthentication
    name = "apiToken"

    def get_security_definition(self, auto_schema):
        return {"type": "http", "scheme": "bearer"}
