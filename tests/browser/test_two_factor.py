"""Two-factor sign-in in the browser: setting up an authenticator, the recovery codes, signing in
with a code, and the access-log page with its verification — each page axe-clean."""

from __future__ import annotations

import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from etablera.accounts.access_log import verify
from etablera.accounts.twofactor import current_code
from tests.browser.conftest import axe_violations, demo_code, login


@pytest.fixture
def required(settings):
    settings.ETABLERA_2FA_REQUIRED = True


def test_a_new_coach_sets_up_an_authenticator_and_signs_in_with_it(
    page, live_server, demo, required
):
    TOTPDevice.objects.filter(user__username="coach").delete()  # as after an admin's reset
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", "etablera-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/konto/tvafaktor/aktivera/.*"))
    assert page.locator("figure.qr svg").count() == 1
    assert axe_violations(page) == []
    device = TOTPDevice.objects.get(user__username="coach", confirmed=False)
    page.fill("#id_token", current_code(device))
    page.click("main button[type=submit]")
    assert page.locator("ul.codes li").count() == 10
    assert axe_violations(page) == []
    page.click("text=Jag har sparat koderna")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/konto/")
    assert "10 oanvända reservkoder" in page.inner_text("main")
    assert axe_violations(page) == []
    page.context.clear_cookies()  # a new visit

    page.goto(f"{live_server.url}/konto/logga-in/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", "etablera-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/konto/tvafaktor/\?.*"))
    assert axe_violations(page) == []
    page.fill("#id_token", "000000" if demo_code("coach") != "000000" else "111111")
    page.click("main button[type=submit]")
    assert "Koden stämmer inte" in page.inner_text("main")
    assert axe_violations(page) == []


def test_the_demo_coach_signs_in_with_the_code_shown_in_development(page, live_server, demo):
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.fill("#id_username", "coach")
    page.fill("#id_password", "etablera-demo")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/konto/tvafaktor/.*"))
    shown = page.inner_text("main .notice strong")
    assert shown == demo_code("coach")
    page.fill("#id_token", shown)
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


def test_the_access_log_page_with_its_verification_is_accessible(page, live_server, demo):
    verify()
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/konto/atkomstlogg/")
    assert "Kedjan är obruten" in page.inner_text("main")
    assert axe_violations(page) == []
