"""Access rules for the labour-market register.

Interventions are not personal data: every role may see them. Participants, their enrolments
and outcomes are seen and changed only by coaches, and only for participants owned by the
coach's unit or a unit under it; everyone else (administrators, strategists, reporters,
readers, auditors) sees aggregated figures only, through the KPIs.
"""

from etablera.accounts import personal_data
from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import (
    Enrolment,
    ImportRun,
    Intervention,
    OutcomeObservation,
    Participant,
    RegistrationConflict,
)

anchor(Intervention, units=["provider_unit"])
anchor(Participant, units=["owning_unit"])
anchor(Enrolment, units=["participant__owning_unit"])
anchor(OutcomeObservation, units=["enrolment__participant__owning_unit"])
anchor(ImportRun, units=["owning_unit"])
# A conflict sits with the unit that owns the participant: its coaches resolve it.
anchor(RegistrationConflict, units=["participant__owning_unit"])
personal_data.declare(Participant, Enrolment, OutcomeObservation, RegistrationConflict)

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
    description="Hantera försök att registrera den egna enhetens deltagare på en annan enhet",
)
