"""Demo users, one per role, scoped to realistic bodies and units."""

from __future__ import annotations

from etablera.organisation.models import Body, Unit
from etablera.web.demo import DEMO_PASSWORD, DEMO_USERS

from .models import RoleAssignment, User
from .roles import TWO_FACTOR_ROLES

#: The demo users' shared authenticator key (hex of "etablera-demo-totp!!"); in base32 it is
#: DEMO_TOTP_BASE32, documented in the README for an authenticator app or `oathtool`.
DEMO_TOTP_KEY = b"etablera-demo-totp!!".hex()
DEMO_TOTP_BASE32 = "MV2GCYTMMVZGCLLEMVWW6LLUN52HAIJB"

ORDER = 20


def load(ctx) -> None:
    for username, first, last, title, role, body_short, unit_name in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "first_name": first,
                "last_name": last,
                "title": title,
                "email": f"{username}@vanersborg.example",
            },
        )
        if created:
            user.set_password(DEMO_PASSWORD)
            if role == "admin":
                user.is_staff = user.is_superuser = True
            user.save()
        body = Body.objects.get(short_name=body_short) if body_short else None
        unit = Unit.objects.get(name=unit_name) if unit_name else None
        RoleAssignment.objects.get_or_create(user=user, role=role, body=body, unit=unit)
        if role in TWO_FACTOR_ROLES:
            _demo_authenticator(user)


def _demo_authenticator(user: User) -> None:
    """Demo users whose role requires two factors (admin, coach) get the known authenticator;
    the two-factor page shows its current code outside production."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from .twofactor import DEMO_DEVICE

    TOTPDevice.objects.get_or_create(
        user=user, name=DEMO_DEVICE, defaults={"key": DEMO_TOTP_KEY, "confirmed": True}
    )
