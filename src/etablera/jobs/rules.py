"""Access to jobs: everyone sees the jobs they started; administrators see every job (its kind,
status and counts; what it wrote is behind that data's own rules)."""

from django.db.models import Q

from etablera.accounts.policy import allow
from etablera.accounts.roles import ALL_ROLES, Role

allow(
    "jobs.view",
    *ALL_ROLES,
    where=lambda user: Q(owner_id=user.pk),
    description="Följa de egna bakgrundsjobben",
)
allow("jobs.view", Role.ADMIN, description="Se alla bakgrundsjobb")
