"""Shared fixtures. Settings run in the test environment (fast password hashing)."""

from __future__ import annotations

import os

os.environ.setdefault("ETABLERA_ENV", "test")

import pytest

from tests.factories import BodyFactory, MunicipalityFactory, UnitFactory, user_with_role


@pytest.fixture
def municipality(db):
    return MunicipalityFactory()


@pytest.fixture
def body(municipality):
    return BodyFactory(municipality=municipality)


@pytest.fixture
def other_body(municipality):
    return BodyFactory(municipality=municipality)


@pytest.fixture
def unit(body):
    return UnitFactory(body=body)


@pytest.fixture
def make_user(db):
    """``make_user(role, body=None, unit=None)``: a user holding one scoped role."""
    return user_with_role


@pytest.fixture(autouse=True)
def _swedish(settings):
    """Each test starts in Swedish: a request with an English cookie leaves its language
    active in the thread, which must not leak into the next test."""
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def _audit_anchors(settings, tmp_path_factory):
    """Anchors of the access log go to a directory of the test's own, never to var/."""
    settings.ETABLERA_AUDIT_ANCHOR_DIR = tmp_path_factory.mktemp("anchors")
