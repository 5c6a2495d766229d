"""Demo users, one per role, scoped to realistic bodies and units."""

from __future__ import annotations

from etablera.organisation.models import Body, Unit
from etablera.web.demo import DEMO_PASSWORD, DEMO_USERS

from .models import RoleAssignment, User

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
