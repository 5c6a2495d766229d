"""Every role × every action × an object inside and outside the role's scope."""

from __future__ import annotations

import pytest

from etablera.accounts import policy
from etablera.accounts.roles import Role
from tests.factories import BodyFactory, UnitFactory, user_with_role
from tests.policy_matrix import ALL, NONE, SCOPED, all_cases

CASES = all_cases()


def test_every_registered_action_has_a_matrix_case():
    missing = sorted(set(policy.actions()) - set(CASES))
    assert not missing, f"actions without a policy matrix case: {missing}"


def test_no_case_names_an_unknown_action():
    unknown = sorted(set(CASES) - set(policy.actions()))
    assert not unknown, f"cases for actions that no rule declares: {unknown}"


@pytest.mark.parametrize("role", list(Role))
@pytest.mark.parametrize("action", sorted(CASES))
def test_policy_matrix(db, action, role):
    case = CASES[action]
    expected = case.expect.get(role, NONE)
    home, away = BodyFactory(), BodyFactory()
    home_unit, away_unit = UnitFactory(body=home), UnitFactory(body=away)
    inside = case.build(home, home_unit)
    outside = case.build(away, away_unit)
    if role in case.unit_roles:
        user = user_with_role(role, unit=home_unit)
    else:
        user = user_with_role(role, body=home)

    assert policy.can(user, action) is (expected != NONE)
    if inside is None:  # an action on no particular object (e.g. "create")
        return
    want_inside = expected in (ALL, SCOPED)
    want_outside = expected == ALL
    assert policy.can(user, action, inside) is want_inside
    assert policy.can(user, action, outside) is want_outside
    visible = set(
        policy.scope(user, action, type(inside)._default_manager.all()).values_list("pk", flat=True)
    )
    assert (inside.pk in visible) is want_inside
    assert (outside.pk in visible) is want_outside


def test_anonymous_user_may_do_nothing(db):
    from django.contrib.auth.models import AnonymousUser

    for action in policy.actions():
        assert policy.can(AnonymousUser(), action) is False


def test_inactive_user_may_do_nothing(db):
    user = user_with_role(Role.ADMIN)
    user.is_active = False
    user.save()
    assert not any(policy.can(user, action) for action in policy.actions())


def test_unit_scope_covers_the_subtree_and_not_siblings(db):
    """A coach of a unit sees what sits in its sub-units, not in its sibling units."""
    body = BodyFactory()
    parent = UnitFactory(body=body)
    child = UnitFactory(body=body, parent=parent)
    sibling = UnitFactory(body=body)
    policy.allow("test.unit.view", Role.COACH, scoped=True)
    try:
        user = user_with_role(Role.COACH, unit=parent)
        from etablera.organisation.models import Unit

        seen = set(policy.scope(user, "test.unit.view", Unit.objects.all()))
        assert seen == {parent, child}
        assert sibling not in seen
    finally:
        policy._registry.clauses.pop("test.unit.view")
