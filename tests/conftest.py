"""Shared fixtures. Settings run in the test environment (fast password hashing)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from io import StringIO

os.environ.setdefault("ETABLERA_ENV", "test")

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings

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
def ks(municipality):
    """Kommunstyrelsen: the municipal executive board, which many rules name."""
    return BodyFactory(municipality=municipality, short_name="KS", name="Kommunstyrelsen")


@pytest.fixture
def sn(municipality):
    """Socialnämnden: a committee below the board."""
    return BodyFactory(municipality=municipality, short_name="SN", name="Socialnämnden")


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


@contextmanager
def kept_for_module(django_db_blocker) -> Iterator[None]:
    """Data written inside stays for one test module and is rolled back after it.

    Each test's own ``db`` transaction nests inside as a savepoint, so what one test changes
    never reaches the next. Use it only in a module-scoped fixture that every test of the
    module asks for: a test that does not ask would see the data too.
    """
    with django_db_blocker.unblock(), transaction.atomic():
        yield
        transaction.set_rollback(True)


@pytest.fixture(scope="module")
def small_demo(django_db_setup, django_db_blocker, tmp_path_factory) -> Iterator[None]:
    """The small demo (``loaddemo --small``), loaded once for the test module that asks."""
    media = tmp_path_factory.mktemp("demo-media")
    anchors = tmp_path_factory.mktemp("demo-anchors")
    with (
        override_settings(MEDIA_ROOT=media, ETABLERA_AUDIT_ANCHOR_DIR=anchors),
        kept_for_module(django_db_blocker),
    ):
        call_command("loaddemo", small=True, quiet_users=True, stdout=StringIO())
        yield


def login_verified(client, user) -> None:
    """Sign ``client`` in as ``user`` with the second factor done, as after the code step
    (the demo's admin and coach have an authenticator, so a bare ``force_login`` stops there)."""
    from django_otp import DEVICE_ID_SESSION_KEY, devices_for_user

    client.force_login(user)
    device = next(iter(devices_for_user(user)), None)
    if device is not None:
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
