"""Lockout per user name and, with a limit of its own, per client address."""

from __future__ import annotations

import ipaddress

import pytest
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st

from etablera.accounts.lockout import client_address
from tests.factories import UserFactory

WRONG = "fel-lösenord"
RIGHT = "lösenord-för-test-1"


@pytest.fixture(autouse=True)
def _limits(request):
    if "db" not in request.fixturenames:
        return
    overrides = request.getfixturevalue("settings")
    overrides.AXES_FAILURE_LIMIT = 3
    overrides.ETABLERA_LOGIN_ADDRESS_FAILURE_LIMIT = 6


def _login(client, username, password, address):
    return client.post(
        reverse("accounts:login"),
        {"username": username, "password": password},
        REMOTE_ADDR=address,
    )


def test_a_user_name_is_locked_from_every_address(client, db):
    UserFactory(username="dora")
    for i in range(3):
        _login(client, "dora", WRONG, f"10.0.0.{i + 1}")
    assert _login(client, "dora", RIGHT, "10.0.0.99").status_code == 429


def test_others_behind_the_same_address_still_sign_in(client, db):
    UserFactory(username="dora")
    UserFactory(username="emil")
    for _ in range(3):
        _login(client, "dora", WRONG, "10.0.0.1")
    assert _login(client, "emil", RIGHT, "10.0.0.1").status_code == 302


def test_one_address_trying_many_user_names_is_locked(client, db):
    UserFactory(username="fia")
    for i in range(6):
        _login(client, f"guess{i}", WRONG, "10.0.0.7")
    assert _login(client, "fia", RIGHT, "10.0.0.7").status_code == 429
    assert _login(client, "fia", RIGHT, "10.0.0.8").status_code == 302


def test_the_address_comes_from_the_configured_header_of_a_trusted_proxy_only(rf, settings):
    settings.ETABLERA_CLIENT_IP_HEADER = ""
    spoofed = rf.get("/", REMOTE_ADDR="192.0.2.1", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert client_address(spoofed) == "192.0.2.1"

    settings.ETABLERA_CLIENT_IP_HEADER = "X-Forwarded-For"
    settings.ETABLERA_TRUSTED_PROXIES = ["127.0.0.1"]
    assert client_address(spoofed) == "192.0.2.1"  # not from the trusted proxy
    proxied = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.9, 203.0.113.5")
    assert client_address(proxied) == "203.0.113.5"  # the entry our proxy added
    other_header = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="203.0.113.77")
    assert client_address(other_header) == "127.0.0.1"
    garbage = rf.get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="not-an-address")
    assert client_address(garbage) == "127.0.0.1"


@given(header=st.text(max_size=80))
@settings(max_examples=200, deadline=None)
def test_any_header_gives_a_valid_address_or_the_connection(header):
    from django.test import RequestFactory, override_settings

    with override_settings(
        ETABLERA_CLIENT_IP_HEADER="X-Forwarded-For", ETABLERA_TRUSTED_PROXIES=["127.0.0.1"]
    ):
        request = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1")
        request.META["HTTP_X_FORWARDED_FOR"] = header
        address = client_address(request)
    assert address is not None
    assert ipaddress.ip_address(address)
