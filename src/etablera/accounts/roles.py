"""The six roles of Etablera (see docs/glossary.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    ADMIN = "admin", _("Systemadministratör")
    STRATEGIST = "strategist", _("Strateg (KS)")
    REPORTER = "reporter", _("Rapportör")
    COACH = "coach", _("Handläggare/coach")
    READER = "reader", _("Läsare/förtroendevald")
    AUDITOR = "auditor", _("Revisor")


ALL_ROLES = frozenset(Role)
#: Roles that never see an individual participant, only aggregated figures.
AGGREGATE_ONLY = frozenset({Role.ADMIN, Role.STRATEGIST, Role.READER, Role.AUDITOR, Role.REPORTER})
#: Roles that see personal data of participants: two-factor sign-in and the idle timeout apply;
#: granting one is recorded in the access log, reported to the register's owner, and never done
#: by a user to themself.
PERSONAL_DATA_ROLES = ALL_ROLES - AGGREGATE_ONLY
#: Roles that must sign in with two factors when ETABLERA_2FA_REQUIRED is on: those that see
#: personal data, and the administrator, who grants roles and resets second factors.
TWO_FACTOR_ROLES = PERSONAL_DATA_ROLES | {Role.ADMIN}
