"""Fixtures of the mandate tests: the municipality's KS and a strategist and reader."""

from __future__ import annotations

import pytest

from etablera.accounts.roles import Role
from etablera.organisation.models import BodyKind
from tests.factories import BodyFactory


@pytest.fixture
def ks(municipality):
    return BodyFactory(
        municipality=municipality,
        kind=BodyKind.EXECUTIVE_BOARD,
        name="Kommunstyrelsen",
        short_name="KS",
    )


@pytest.fixture
def strategist(make_user, ks):
    return make_user(Role.STRATEGIST, body=ks)


@pytest.fixture
def reader(make_user, municipality):
    return make_user(Role.READER)
