"""The policy's one answer to "where may they do this?", its operators, and how it fails."""

from __future__ import annotations

import pytest

from etablera.accounts import policy
from etablera.accounts.access_log import log_access
from etablera.accounts.models import AccessLogEntry
from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.organisation.models import Body, Unit
from tests.factories import UnitFactory, UserFactory, user_with_role

pytestmark = pytest.mark.django_db

#: A scoped action that coaches hold per unit and strategists unscoped.
PLACE = "register.intervention.change"


def test_an_operator_reaches_everything_and_the_log_names_it(body, other_body):
    operator = Operator("cron:test")
    assert policy.can(operator, "organisation.view")
    assert set(policy.scope(operator, "organisation.view", Body.objects.all())) == {
        body,
        other_body,
    }
    assert policy.reach(operator, PLACE).everywhere
    (entry,) = log_access(operator, "view", body)
    assert AccessLogEntry.objects.get(pk=entry.pk).username == "cron:test"
    assert entry.user is None


def test_an_operator_still_cannot_name_an_undeclared_action():
    with pytest.raises(policy.UnknownAction):
        policy.can(Operator("cron:test"), "no.such.action")
    with pytest.raises(policy.UnknownAction):
        policy.reach(Operator("cron:test"), "no.such.action")


def test_a_missing_user_reaches_nowhere(body):
    for nobody in (None, UserFactory()):
        assert policy.reach(nobody, PLACE).nowhere
        assert not policy.scope(nobody, "organisation.view", Body.objects.all()).exists()
        assert not policy.can(nobody, "organisation.view")


def test_a_coach_reaches_their_unit_and_the_units_under_it(body, other_body):
    top = UnitFactory(body=body)
    below = UnitFactory(body=body, parent=top)
    UnitFactory(body=other_body)
    coach = user_with_role(Role.COACH, unit=top)
    reach = policy.reach(coach, PLACE)
    assert not reach.everywhere and reach.unit_paths == {top.path}
    assert set(Unit.objects.filter(reach.unit_q())) == {top, below}


def test_an_unscoped_role_reaches_everywhere_and_keeps_its_own_places(body, unit):
    strategist = user_with_role(Role.STRATEGIST, body=body)
    assert policy.reach(strategist, PLACE).everywhere
    reader = user_with_role(Role.READER, body=body)
    assert policy.reach(reader, PLACE).nowhere


def test_visible_denies_an_undeclared_action_instead_of_widening(body):
    assert not policy.visible(Operator("cron:test"), "no.such.action", Body.objects.all()).exists()
    assert policy.visible(Operator("cron:test"), "organisation.view", Body.objects.all()).exists()
