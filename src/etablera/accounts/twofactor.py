"""Two-factor sign-in (TOTP through django-otp) and the idle timeout.

Who must use a second factor: every user holding a role that sees personal data
(``roles.PERSONAL_DATA_ROLES``) or administers users and roles, when ``ETABLERA_2FA_REQUIRED``
is on (the default outside the test settings). Anyone else may turn it on, and once a user has a
confirmed device it is asked for at every sign-in. A sign-in through the municipality's identity
provider (``accounts.sso``) counts as two-factor: the provider's own MFA policy applies.

Recovery codes are django-otp static tokens, each usable once. An administrator's reset
(``reset``) removes a user's devices, so the next sign-in sets up a new authenticator.
"""

from __future__ import annotations

import time
from base64 import b32encode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django_otp import devices_for_user, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from . import policy
from .roles import PERSONAL_DATA_ROLES, TWO_FACTOR_ROLES

#: The session key set when the identity provider signed the user in (see accounts.sso).
SIGNED_IN_BY_IDP = "etablera_signed_in_by_idp"
LAST_SEEN = "etablera_last_seen"
RECOVERY_CODES = 10
DEMO_DEVICE = "demo"


def required_for(user) -> bool:
    """Must this user use a second factor (besides those who chose to)?"""
    if not settings.ETABLERA_2FA_REQUIRED:
        return False
    return bool(policy.roles(user) & TWO_FACTOR_ROLES) or user.is_superuser


def has_personal_data_role(user) -> bool:
    return bool(policy.roles(user) & PERSONAL_DATA_ROLES)


def is_verified(request: HttpRequest) -> bool:
    user = request.user
    return bool(request.session.get(SIGNED_IN_BY_IDP)) or user.is_verified()  # type: ignore[union-attr]


def new_totp_device(user) -> TOTPDevice:
    """An unconfirmed authenticator for ``user``: confirmed once they enter a code from it."""
    TOTPDevice.objects.filter(user=user, confirmed=False).delete()
    return TOTPDevice.objects.create(user=user, name=_("Autentiseringsapp"), confirmed=False)


def secret(device: TOTPDevice) -> str:
    """The key in base32, for typing into an authenticator app by hand (grouped by four)."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def current_code(device: TOTPDevice) -> str:
    """The code the device accepts now (the next one if the current one was already used).

    The demo's hint and the tests sign in more than once in a time step, so the next step's
    code is used; django-otp then records a drift (+1, or -1 when a code was read as its step
    ended and checked in the next). The next step is counted with that drift, as
    ``verify_token`` counts it: counted without it, a sign-in after a late code was offered
    the code just used, and a third sign-in in a step a code two steps ahead."""
    totp = TOTP(device.bin_key, device.step, device.t0, device.digits, device.drift)
    totp.time = time.time()
    if totp.t() <= device.last_t:
        totp.time = (device.last_t + 1 - device.drift) * device.step + device.t0
    return f"{totp.token():0{device.digits}d}"


@transaction.atomic
def confirm(device: TOTPDevice, token: str) -> list[str] | None:
    """Confirm a new authenticator with a code from it; returns fresh recovery codes."""
    if not device.verify_token(token.replace(" ", "")):
        return None
    TOTPDevice.objects.filter(user=device.user, confirmed=True).exclude(pk=device.pk).delete()
    device.confirmed = True
    device.save(update_fields=["confirmed"])
    return new_recovery_codes(device.user)


@transaction.atomic
def new_recovery_codes(user) -> list[str]:
    """Replace the user's recovery codes with ``RECOVERY_CODES`` new ones, shown once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name=_("Reservkoder"), confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODES)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=c) for c in codes])
    return codes


@transaction.atomic
def verify(user, token: str):
    """The device that accepts ``token`` (a six-digit code or a recovery code), or None.

    In one transaction: the devices are read for update (``for_verify``), so two requests with
    the same code cannot both use it; PostgreSQL refuses that read outside a transaction."""
    token = token.replace(" ", "").replace("-", "").lower()
    if not token:
        return None
    for device in devices_for_user(user, confirmed=True, for_verify=True):
        is_code = token.isdigit() and len(token) == 6
        if isinstance(device, TOTPDevice) != is_code:
            continue
        if device.verify_is_allowed()[0] and device.verify_token(token):
            return device
    return None


def remaining_recovery_codes(user) -> int:
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


@transaction.atomic
def reset(user, *, actor) -> None:
    """An administrator's reset: remove every device; the next sign-in sets up a new one.

    Recorded in the access log, naming the administrator, since it opens the account to
    whoever knows the password until then."""
    from .access_log import log_access

    for device in devices_for_user(user, confirmed=None):
        device.delete()
    log_access(actor, "reset-2fa", user, detail="two-factor devices removed")


def demo_hint(user) -> str:
    """In development, the current code of a demo user's known authenticator (see README)."""
    if settings.PRODUCTION:
        return ""
    device = TOTPDevice.objects.filter(user=user, name=DEMO_DEVICE, confirmed=True).first()
    return current_code(device) if device else ""


# --- middleware -----------------------------------------------------------------------------

EXEMPT_PREFIXES = ("/static/", "/i18n/", "/oidc/")


class TwoFactorMiddleware:
    """Send a signed-in user who has not given their second factor to the 2FA step, and sign
    out users of personal data after ``ETABLERA_IDLE_TIMEOUT_MINUTES`` without a request."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = request.user
        if user.is_authenticated:
            if self._idle_too_long(request):
                return self._time_out(request)
            exempt = request.path.startswith(EXEMPT_PREFIXES) or request.path in {
                reverse("accounts:logout"),
                reverse("accounts:login"),
                reverse("accounts:two-factor"),
                reverse("accounts:two-factor-setup"),
            }
            if not exempt and not is_verified(request):
                needs_setup = required_for(user) and not user_has_device(user)
                if needs_setup or user_has_device(user):
                    if request.path.startswith("/api/"):
                        request.user = AnonymousUser()
                    else:
                        target = (
                            "accounts:two-factor-setup" if needs_setup else "accounts:two-factor"
                        )
                        return redirect(
                            f"{reverse(target)}?{urlencode({'next': request.get_full_path()})}"
                        )
        return self.get_response(request)

    def _idle_too_long(self, request: HttpRequest) -> bool:
        user = request.user
        if not has_personal_data_role(user):
            return False
        now = int(time.time())
        last = request.session.get(LAST_SEEN)
        request.session[LAST_SEEN] = now
        limit = settings.ETABLERA_IDLE_TIMEOUT_MINUTES * 60
        return last is not None and now - int(last) > limit

    def _time_out(self, request: HttpRequest) -> HttpResponse:
        path = request.get_full_path()
        logout(request)
        minutes = settings.ETABLERA_IDLE_TIMEOUT_MINUTES
        messages.info(
            request,
            ngettext(
                "Du loggades ut efter %(n)d minut utan aktivitet. Logga in igen.",
                "Du loggades ut efter %(n)d minuter utan aktivitet. Logga in igen.",
                minutes,
            )
            % {"n": minutes},
        )
        if request.path.startswith("/api/"):
            return self.get_response(request)
        return redirect(f"{reverse('accounts:login')}?{urlencode({'next': path})}")
