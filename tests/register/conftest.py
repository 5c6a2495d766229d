"""Fixtures for the register: the default status categories exist in every test.

They are seeded by a migration, but tests that run with a flushed database (live server,
transactional tests) remove them, so each test makes sure they are there.
"""

from __future__ import annotations

import pytest

from etablera.accounts.roles import Role
from etablera.register.status_defaults import ensure_default_status_categories
from tests.factories import UnitFactory


@pytest.fixture(autouse=True)
def _status_categories(request):
    names = request.fixturenames
    marker = request.node.get_closest_marker("django_db")
    if (
        "transactional_db" in names
        or "live_server" in names
        or (marker is not None and marker.kwargs.get("transaction"))
    ):
        request.getfixturevalue("transactional_db")
    elif "db" in names or marker is not None:
        request.getfixturevalue("db")
    else:
        return
    ensure_default_status_categories()


@pytest.fixture
def coach_unit(body):
    return UnitFactory(body=body, name="Arbetsmarknadsenheten")


@pytest.fixture
def coach(make_user, coach_unit):
    return make_user(Role.COACH, unit=coach_unit)


@pytest.fixture
def other_unit(body):
    return UnitFactory(body=body, name="Annan enhet")


@pytest.fixture
def other_coach(make_user, other_unit):
    return make_user(Role.COACH, unit=other_unit)
