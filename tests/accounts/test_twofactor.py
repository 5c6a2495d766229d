"""Two-factor sign-in: required for personal-data roles, optional for others, recovery codes,
the administrator's reset, and the idle timeout."""

from __future__ import annotations

import re
import time

import pytest
from django.core.management import call_command
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from etablera.accounts import twofactor
from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role

PASSWORD = "lösenord-för-test-1"


@pytest.fixture(autouse=True)
def _required(settings):
    settings.ETABLERA_2FA_REQUIRED = True


def sign_in(client, user, next_url="/register/deltagare/"):
    return client.post(
        f"{reverse('accounts:login')}?next={next_url}",
        {"username": user.username, "password": PASSWORD},
    )


def with_device(user) -> TOTPDevice:
    device = twofactor.new_totp_device(user)
    twofactor.confirm(device, twofactor.current_code(device))
    device.refresh_from_db()
    return device


def test_a_coach_without_a_device_must_set_one_up(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    response = sign_in(client, coach)
    assert response["Location"].startswith(reverse("accounts:two-factor"))
    assert client.get("/register/deltagare/")["Location"].startswith(
        reverse("accounts:two-factor-setup")
    )
    html = client.get(reverse("accounts:two-factor-setup")).content.decode()
    assert "<svg" in html and "Skanna QR-koden" in html
    device = TOTPDevice.objects.get(user=coach, confirmed=False)
    response = client.post(
        reverse("accounts:two-factor-setup"),
        {"token": "000000" if twofactor.current_code(device) != "000000" else "111111"},
    )
    assert "Koden stämmer inte" in response.content.decode()
    # A wrong code holds the next try back for a moment (django-otp's throttling).
    TOTPDevice.objects.filter(pk=device.pk).update(throttling_failure_count=0)
    response = client.post(
        reverse("accounts:two-factor-setup"),
        {"token": twofactor.current_code(device), "next": "/register/deltagare/"},
    )
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(codes) == twofactor.RECOVERY_CODES
    assert client.get("/register/deltagare/").status_code == 200


def test_a_coach_with_a_device_gives_the_code_after_the_password(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = with_device(coach)
    sign_in(client, coach)
    assert client.get("/register/deltagare/").status_code == 302
    response = client.post(
        reverse("accounts:two-factor"),
        {"token": twofactor.current_code(device), "next": "/register/deltagare/"},
    )
    assert response["Location"] == "/register/deltagare/"
    assert client.get("/register/deltagare/").status_code == 200


def test_a_recovery_code_works_once(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = twofactor.new_totp_device(coach)
    codes = twofactor.confirm(device, twofactor.current_code(device))
    sign_in(client, coach)
    response = client.post(reverse("accounts:two-factor"), {"token": codes[0]}, follow=True)
    assert "9 reservkoder återstår" in response.content.decode()
    client.logout()
    sign_in(client, coach)
    response = client.post(reverse("accounts:two-factor"), {"token": codes[0]})
    assert "Koden stämmer inte" in response.content.decode()


def test_repeated_wrong_codes_are_throttled(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = with_device(coach)
    sign_in(client, coach)
    wrong = "000000" if twofactor.current_code(device) != "000000" else "111111"
    for _ in range(3):
        client.post(reverse("accounts:two-factor"), {"token": wrong})
    response = client.post(
        reverse("accounts:two-factor"), {"token": twofactor.current_code(device)}
    )
    assert "För många felaktiga försök" in response.content.decode()


def test_an_open_redirect_is_refused(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = with_device(coach)
    sign_in(client, coach)
    response = client.post(
        reverse("accounts:two-factor"),
        {"token": twofactor.current_code(device), "next": "https://evil.example/"},
    )
    assert response["Location"] == reverse("home")


def test_roles_without_personal_data_need_no_second_factor_but_may_turn_it_on(
    client, make_user, body
):
    reader = make_user(Role.READER, body=body)
    response = sign_in(client, reader, next_url="/")
    assert response["Location"] == "/"
    assert (
        "Aktivera tvåfaktorsinloggning" in client.get(reverse("accounts:profile")).content.decode()
    )
    device = twofactor.new_totp_device(reader)
    client.post(reverse("accounts:two-factor-setup"))  # a fresh device for this session
    device = TOTPDevice.objects.get(user=reader, confirmed=False)
    client.post(reverse("accounts:two-factor-setup"), {"token": twofactor.current_code(device)})
    device.refresh_from_db()
    client.logout()
    assert sign_in(client, reader, next_url="/")["Location"].startswith(
        reverse("accounts:two-factor")
    )
    client.post(reverse("accounts:two-factor"), {"token": twofactor.current_code(device)})
    client.post(reverse("accounts:two-factor-disable"))
    assert not TOTPDevice.objects.filter(user=reader).exists()


def test_a_coach_cannot_turn_it_off(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = with_device(coach)
    sign_in(client, coach)
    client.post(reverse("accounts:two-factor"), {"token": twofactor.current_code(device)})
    response = client.post(reverse("accounts:two-factor-disable"), follow=True)
    assert "kan inte stängas av" in response.content.decode()
    assert TOTPDevice.objects.filter(user=coach).exists()


def test_new_recovery_codes_replace_the_old(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = twofactor.new_totp_device(coach)
    old = twofactor.confirm(device, twofactor.current_code(device))
    sign_in(client, coach)
    client.post(reverse("accounts:two-factor"), {"token": old[0]})
    response = client.post(reverse("accounts:recovery-codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", response.content.decode())
    assert len(new) == 10 and not set(new) & set(old)
    assert twofactor.verify(coach, old[1]) is None


def test_the_administrators_reset_removes_devices_and_is_logged(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    with_device(coach)
    admin = make_user(Role.ADMIN)
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client.force_login(admin)
    session = client.session
    session[twofactor.SIGNED_IN_BY_IDP] = True  # as if the provider had verified the admin
    session.save()
    response = client.post(
        reverse("admin:accounts_user_changelist"),
        {"action": "reset_two_factor", "_selected_action": [coach.pk]},
        follow=True,
    )
    assert "återställdes för 1 användare" in response.content.decode()
    assert not TOTPDevice.objects.filter(user=coach).exists()
    entry = AccessLogEntry.objects.get(action="reset-2fa")
    assert (entry.username, entry.subject_id) == (admin.username, str(coach.pk))


def test_reset_command(make_user, unit, capsys):
    coach = make_user(Role.COACH, unit=unit)
    with_device(coach)
    call_command("twofactor", "reset", coach.username)
    assert not TOTPDevice.objects.filter(user=coach).exists()
    # The log names the command that did it.
    assert AccessLogEntry.objects.get(action="reset-2fa").username == "command:twofactor"
    with pytest.raises(Exception, match="No user named"):
        call_command("twofactor", "reset", "nobody")


def test_session_api_calls_of_an_unverified_coach_are_anonymous(client, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    with_device(coach)
    sign_in(client, coach)
    assert client.get("/api/participants/").status_code in {401, 403}


def test_the_demo_hint_shows_the_code_outside_production_only(make_user, unit, settings):
    coach = make_user(Role.COACH, unit=unit)
    device = TOTPDevice.objects.create(
        user=coach, name=twofactor.DEMO_DEVICE, key="00" * 20, confirmed=True
    )
    assert twofactor.demo_hint(coach) == twofactor.current_code(device)
    settings.PRODUCTION = True
    assert twofactor.demo_hint(coach) == ""


def test_a_used_code_is_not_accepted_again(make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    device = with_device(coach)
    code = twofactor.current_code(device)
    assert twofactor.verify(coach, code) is not None
    assert twofactor.verify(coach, code) is None


def test_personal_data_sessions_end_after_the_idle_timeout(client, make_user, unit, settings):
    settings.ETABLERA_2FA_REQUIRED = False
    coach = make_user(Role.COACH, unit=unit)
    client.force_login(coach)
    assert client.get("/register/deltagare/").status_code == 200
    session = client.session
    session[twofactor.LAST_SEEN] = int(time.time()) - 31 * 60
    session.save()
    response = client.get("/register/deltagare/", follow=True)
    assert "Du loggades ut efter 30 minuter utan aktivitet" in response.content.decode()
    assert response.redirect_chain[0][0].startswith(reverse("accounts:login"))


def test_other_roles_have_no_idle_timeout(client, make_user, body):
    reader = make_user(Role.READER, body=body)
    client.force_login(reader)
    session = client.session
    session[twofactor.LAST_SEEN] = int(time.time()) - 5 * 3600
    session.save()
    assert client.get("/").status_code == 200


# --- API tokens: as strong as the sign-in that made them --------------------------------------


def _key(response) -> str:
    found = re.search(r"etb_[A-Za-z0-9_-]+", response.content.decode())
    assert found, "the new key is shown once"
    return found.group(0)


def test_a_token_needs_the_second_factor_to_be_made(client, make_user, unit):
    from etablera.accounts.models import ApiToken

    coach = make_user(Role.COACH, unit=unit)
    device = with_device(coach)
    sign_in(client, coach)
    refused = client.post(reverse("accounts:api-tokens"), {"name": "system"})
    assert refused.status_code == 302 and not ApiToken.objects.exists()
    client.post(reverse("accounts:two-factor"), {"token": twofactor.current_code(device)})
    key = _key(client.post(reverse("accounts:api-tokens"), {"name": "system"}))
    assert ApiToken.objects.get().two_factor
    client.logout()
    answer = client.get("/api/participants/", HTTP_AUTHORIZATION=f"Bearer {key}")
    assert answer.status_code == 200


def test_a_password_only_token_stops_when_the_role_needs_two_factors(client, make_user, unit):
    from etablera.accounts.models import RoleAssignment

    strategist = make_user(Role.STRATEGIST, body=unit.body)
    sign_in(client, strategist, next_url="/")
    key = _key(client.post(reverse("accounts:api-tokens"), {"name": "rapporter"}))
    client.logout()
    bearer = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    assert client.get("/api/interventions/", **bearer).status_code == 200
    RoleAssignment.objects.create(user=strategist, role=Role.COACH, unit=unit)
    refused = client.get("/api/participants/", **bearer)
    assert refused.status_code == 401
    assert "tvåfaktorsinloggning" in refused.json()["detail"]


def test_the_demo_code_is_accepted_however_often_one_signs_in_within_a_time_step(
    make_user, unit, monkeypatch
):
    """The next step's code is used once the current one is spent; django-otp then records a
    drift, and the code after that must be counted with it."""
    device = with_device(make_user(Role.COACH, unit=unit))
    now = (device.last_t + 5) * device.step + device.t0 + 3  # early in a fresh step
    monkeypatch.setattr(time, "time", lambda: now)
    for _ in range(4):
        device.refresh_from_db()
        assert twofactor.verify(device.user, twofactor.current_code(device)) is not None


def test_a_code_typed_as_its_step_ends_leaves_the_next_sign_in_a_code_that_works(
    make_user, unit, monkeypatch
):
    """A code read in one time step and checked in the next is accepted with a drift of -1;
    the next sign-in in that step must not be offered the code just used."""
    device = with_device(make_user(Role.COACH, unit=unit))
    step_start = (device.last_t + 5) * device.step + device.t0
    monkeypatch.setattr(time, "time", lambda: step_start - 1)  # the step's last second
    code = twofactor.current_code(device)
    monkeypatch.setattr(time, "time", lambda: step_start + 1)  # checked in the next step
    assert twofactor.verify(device.user, code) is not None
    device.refresh_from_db()
    assert device.drift == -1
    assert twofactor.verify(device.user, twofactor.current_code(device)) is not None
