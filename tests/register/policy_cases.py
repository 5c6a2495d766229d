"""Policy matrix cases for the register: interventions are for everyone to see; participants,
enrolments, observations and imports only for coaches of the owning unit (and units under it)."""

from etablera.accounts.roles import Role
from etablera.register.models import ImportRun, RegistrationConflict
from tests.factories import UnitFactory
from tests.policy_matrix import ALL, SCOPED, Case
from tests.register.factories import (
    EnrolmentFactory,
    InterventionFactory,
    OutcomeObservationFactory,
    ParticipantFactory,
)

EVERYONE = {role: ALL for role in Role}
COACH_ONLY = {Role.COACH: SCOPED}


def _intervention(body, unit):
    return InterventionFactory(provider_unit=unit)


def _participant(body, unit):
    return ParticipantFactory(owning_unit=unit)


def _enrolment(body, unit):
    return EnrolmentFactory(participant__owning_unit=unit, intervention__provider_unit=unit)


def _observation(body, unit):
    return OutcomeObservationFactory(
        enrolment__participant__owning_unit=unit, enrolment__intervention__provider_unit=unit
    )


def _import_run(body, unit):
    return ImportRun.objects.create(
        kind="participants", file_name="deltagare.csv", owning_unit=unit, status="committed"
    )


def _conflict(body, unit):
    """A conflict between two units both within ``unit``'s subtree: the register's
    administrator is a coach whose reach covers both (see test_conflicts for one who
    reaches only one of them)."""
    return RegistrationConflict.objects.create(
        participant=ParticipantFactory(owning_unit=unit),
        requested_unit=UnitFactory(body=body, parent=unit),
        source="api",
    )


CASES = {
    "register.intervention.view": Case(build=_intervention, expect=EVERYONE),
    "register.intervention.change": Case(
        build=_intervention,
        expect={Role.ADMIN: ALL, Role.STRATEGIST: ALL, Role.COACH: SCOPED},
    ),
    "register.participant.view": Case(build=_participant, expect=COACH_ONLY),
    "register.participant.change": Case(build=_participant, expect=COACH_ONLY),
    "register.enrolment.view": Case(build=_enrolment, expect=COACH_ONLY),
    "register.enrolment.change": Case(build=_enrolment, expect=COACH_ONLY),
    "register.observation.view": Case(build=_observation, expect=COACH_ONLY),
    "register.observation.change": Case(build=_observation, expect=COACH_ONLY),
    "register.import": Case(build=_import_run, expect=COACH_ONLY),
    "register.conflict.resolve": Case(build=_conflict, expect=COACH_ONLY),
}
