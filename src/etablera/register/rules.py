"""Access rules for the labour-market register.

Interventions are not personal data: every role may see them. Participants, their enrolments
and outcomes are seen and changed only by coaches, and only for participants owned by the
coach's unit or a unit under it, or shared with one (shared participation, decided by the
register's administrator); everyone else (administrators, strategists, reporters, readers,
auditors) sees aggregated figures only, through the KPIs.

The register's administrator (*registeransvarig*) is not a role of its own: it is a coach
whose reach covers both units of a registration conflict — a coach assigned to the body or the
municipality, or to the unit above both. Only such a coach resolves the conflict, so the
decision is taken by someone who may already see the person in either unit.
"""

from django.db.models import Q

from etablera.accounts import personal_data, policy
from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import (
    Enrolment,
    ImportRun,
    Intervention,
    OutcomeObservation,
    Participant,
    ParticipantShare,
    RegistrationConflict,
)

anchor(Intervention, units=["provider_unit"])
# A participant sits with the owning unit and with every unit it is shared with.
anchor(Participant, units=["owning_unit"], units_via=["shares__unit"])
anchor(Enrolment, units=["participant__owning_unit"], units_via=["participant__shares__unit"])
anchor(
    OutcomeObservation,
    units=["enrolment__participant__owning_unit"],
    units_via=["enrolment__participant__shares__unit"],
)
anchor(ImportRun, units=["owning_unit"])
# A conflict sits with the unit that owns the participant; the rule below also asks that the
# asking unit is within reach (see the module docstring).
anchor(RegistrationConflict, units=["participant__owning_unit"])
personal_data.declare(
    Participant, Enrolment, OutcomeObservation, RegistrationConflict, ParticipantShare
)


def _asking_unit_within_reach(user) -> Q:
    """Conflicts whose asking unit lies where the user registers participants."""
    return policy.reach(user, "register.participant.change").unit_q("requested_unit__")


allow("register.intervention.view", *ALL_ROLES, description="Se arbetsmarknadsinsatser")
allow(
    "register.intervention.change",
    Role.ADMIN,
    Role.STRATEGIST,
    description="Lägga till och ändra insatser och deras uppdrag",
)
allow(
    "register.intervention.change",
    Role.COACH,
    scoped=True,
    description="Lägga till och ändra den egna enhetens insatser",
)

allow(
    "register.participant.view",
    Role.COACH,
    scoped=True,
    description="Se den egna enhetens deltagare",
)
allow(
    "register.participant.change",
    Role.COACH,
    scoped=True,
    description="Registrera och ändra den egna enhetens deltagare",
)
allow(
    "register.enrolment.view",
    Role.COACH,
    scoped=True,
    description="Se den egna enhetens deltaganden",
)
allow(
    "register.enrolment.change",
    Role.COACH,
    scoped=True,
    description="Skriva in, ändra och avsluta deltaganden",
)
allow(
    "register.observation.view",
    Role.COACH,
    scoped=True,
    description="Se uppföljningar efter avslut",
)
allow(
    "register.observation.change",
    Role.COACH,
    scoped=True,
    description="Registrera uppföljningar efter avslut",
)
allow(
    "register.import",
    Role.COACH,
    scoped=True,
    description="Läsa in deltagare och deltaganden från fil",
)
allow(
    "register.conflict.resolve",
    Role.COACH,
    scoped=True,
    where=_asking_unit_within_reach,
    description="Registeransvarig: avgöra registreringskonflikter mellan enheter inom räckvidden",
)
