"""Separation of duties: API tokens of one's own, role grants through the service, and a Django
admin that shows a system administrator no personal data."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from etablera.accounts import services, tokens
from etablera.accounts.models import AccessLogEntry, ApiToken, RoleAssignment
from etablera.accounts.roles import Role
from tests.factories import UnitFactory, UserFactory
from tests.register.factories import InterventionFactory, ParticipantFactory


@pytest.fixture
def admin_user(make_user, municipality):
    user = make_user(Role.ADMIN)
    user.is_staff = user.is_superuser = True
    user.save()
    return user


@pytest.fixture
def coach_unit(body):
    return UnitFactory(body=body, name="Arbetsmarknadsenheten")


@pytest.fixture
def coach(make_user, coach_unit):
    return make_user(Role.COACH, unit=coach_unit)


# --- API tokens ---------------------------------------------------------------------------------


def _bearer(key: str) -> APIClient:
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Bearer {key}")
    return api


def test_a_user_makes_a_token_on_their_own_page_and_sees_the_key_once(client, coach):
    client.force_login(coach)
    response = client.post(reverse("accounts:api-tokens"), {"name": "Verksamhetssystem"})
    html = response.content.decode()
    token = ApiToken.objects.get(user=coach)
    key = html.split('<code id="new-key">')[1].split("</code>")[0]
    assert tokens.digest(key) == token.digest
    assert key not in "".join(ApiToken.objects.values_list("digest", "prefix", "name")[0])
    assert response["Cache-Control"] == "no-store"
    assert key not in client.get(reverse("accounts:api-tokens")).content.decode()
    assert token.expires_at.date() == timezone.localdate() + dt.timedelta(days=90)


def test_a_token_signs_in_its_owner_and_the_trail_names_them(coach, coach_unit):
    participant = ParticipantFactory(owning_unit=coach_unit)
    _token, key = tokens.create_token(coach, "test")
    response = _bearer(key).get(f"/api/participants/{participant.pk}/")
    assert response.status_code == 200
    entry = AccessLogEntry.objects.get(subject_id=str(participant.pk), action="view")
    assert entry.user == coach


def test_expired_revoked_and_unknown_tokens_get_401(coach, settings):
    token, key = tokens.create_token(coach, "test")
    assert _bearer(key).get("/api/interventions/").status_code == 200
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - dt.timedelta(1))
    response = _bearer(key).get("/api/interventions/")
    assert response.status_code == 401
    assert "gick ut" in response.json()["detail"]
    token, key = tokens.create_token(coach, "test 2")
    tokens.revoke_token(coach, token)
    assert "återkallad" in _bearer(key).get("/api/interventions/").json()["detail"]
    assert _bearer("etb_nonsense").get("/api/interventions/").status_code == 401


def test_expiry_follows_the_setting(coach, settings):
    settings.ETABLERA_API_TOKEN_DAYS = 7
    token, _key = tokens.create_token(coach, "test")
    assert token.expires_at - token.created_at == dt.timedelta(days=7)


def test_a_token_is_revoked_only_by_its_owner(client, coach, make_user):
    token, key = tokens.create_token(coach, "test")
    other = make_user(Role.READER)
    client.force_login(other)
    url = reverse("accounts:api-token-revoke", args=[token.pk])
    assert client.post(url).status_code == 404
    client.force_login(coach)
    assert client.post(url).status_code == 302
    assert _bearer(key).get("/api/interventions/").status_code == 401


def test_the_admin_has_no_page_to_make_tokens_for_others(client, admin_user):
    client.force_login(admin_user)
    assert client.get("/admin/authtoken/tokenproxy/add/").status_code == 404
    assert client.get("/admin/accounts/apitoken/add/").status_code == 404
    assert "authtoken" not in client.get("/admin/").content.decode()


# --- roles --------------------------------------------------------------------------------------


def _user_change_data(user, assignments):
    data = {
        "username": user.username,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "email": "",
        "title": "",
        "is_active": "on",
        "is_staff": "on" if user.is_staff else "",
        "is_superuser": "on" if user.is_superuser else "",
        "last_login_0": "",
        "last_login_1": "",
        "date_joined_0": "2026-01-01",
        "date_joined_1": "00:00:00",
        "role_assignments-INITIAL_FORMS": str(len(assignments)),
        "role_assignments-MIN_NUM_FORMS": "0",
        "role_assignments-MAX_NUM_FORMS": "1000",
    }
    rows = [*assignments, None]
    data["role_assignments-TOTAL_FORMS"] = str(len(rows))
    for i, a in enumerate(rows):
        prefix = f"role_assignments-{i}-"
        data[prefix + "user"] = str(user.pk)
        if a is not None:
            data[prefix + "id"] = str(a.pk)
            data[prefix + "role"] = a.role
    return data


def test_an_admin_cannot_give_themself_the_coach_role(client, admin_user, coach_unit):
    client.force_login(admin_user)
    data = _user_change_data(admin_user, list(admin_user.role_assignments.all()))
    data["role_assignments-1-role"] = Role.COACH
    data["role_assignments-1-unit"] = str(coach_unit.pk)
    response = client.post(reverse("admin:accounts_user_change", args=[admin_user.pk]), data)
    assert response.status_code == 200
    assert "Du kan inte ge dig själv rollen" in response.content.decode()
    assert not admin_user.role_assignments.filter(role=Role.COACH).exists()
    assert not AccessLogEntry.objects.filter(action="role.grant").exists()


def test_a_grant_through_the_admin_is_logged_and_reported_to_the_owner(
    client, admin_user, coach_unit, settings, django_capture_on_commit_callbacks
):
    settings.ETABLERA_REGISTER_OWNER_EMAIL = "registeransvarig@kommun.example"
    newcomer = UserFactory()
    client.force_login(admin_user)
    data = _user_change_data(newcomer, [])
    data["role_assignments-0-role"] = Role.COACH
    data["role_assignments-0-unit"] = str(coach_unit.pk)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("admin:accounts_user_change", args=[newcomer.pk]), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assignment = newcomer.role_assignments.get(role=Role.COACH)
    entry = AccessLogEntry.objects.get(action="role.grant")
    assert entry.user == admin_user
    assert entry.subject_id == str(assignment.pk)
    assert [m.to for m in mail.outbox] == [["registeransvarig@kommun.example"]]
    assert newcomer.username in mail.outbox[0].body

    data = _user_change_data(newcomer, [assignment])
    data["role_assignments-0-DELETE"] = "on"
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("admin:accounts_user_change", args=[newcomer.pk]), data)
    assert not RoleAssignment.objects.filter(pk=assignment.pk).exists()
    assert AccessLogEntry.objects.filter(action="role.revoke", user=admin_user).count() == 1
    assert len(mail.outbox) == 2


def test_roles_without_personal_data_are_granted_without_a_trail_entry(admin_user, body):
    services.grant_role(
        RoleAssignment(user=admin_user, role=Role.READER, body=body), actor=admin_user
    )
    assert not AccessLogEntry.objects.exists()


def test_the_service_refuses_a_self_grant_whoever_calls_it(coach, coach_unit):
    with pytest.raises(services.ValidationError):
        services.grant_role(
            RoleAssignment(user=coach, role=Role.COACH, unit=coach_unit), actor=coach
        )


# --- the admin's change history -----------------------------------------------------------------


def test_change_history_shows_no_participant_to_the_admin(client, admin_user, coach_unit):
    from auditlog.models import LogEntry

    participant = ParticipantFactory(owning_unit=coach_unit, country_of_birth="ER")
    participant.country_of_birth = "SO"
    participant.save()
    entry = LogEntry.objects.get_for_object(participant).first()
    assert entry is not None
    intervention = InterventionFactory(name="Språkpraktik", provider_unit=coach_unit)
    client.force_login(admin_user)
    listing = client.get("/admin/auditlog/logentry/").content.decode()
    assert participant.masked_identity not in listing
    assert "Språkpraktik" in listing
    assert client.get(f"/admin/auditlog/logentry/{entry.pk}/change/").status_code == 302
    assert intervention.pk
    searched = client.get("/admin/auditlog/logentry/", {"q": "SO"}).content.decode()
    assert participant.masked_identity not in searched


def test_the_admin_cannot_set_a_coachs_password(client, admin_user, coach):
    client.force_login(admin_user)
    url = reverse("admin:auth_user_password_change", args=[coach.pk])
    response = client.post(
        url, {"password1": "nytt-lösenord-123", "password2": "nytt-lösenord-123"}, follow=True
    )
    assert "byter hen sitt lösenord själv" in response.content.decode()
    coach.refresh_from_db()
    assert coach.check_password("lösenord-för-test-1")
    reader = UserFactory()
    response = client.post(
        reverse("admin:auth_user_password_change", args=[reader.pk]),
        {
            "password1": "nytt-lösenord-123",
            "password2": "nytt-lösenord-123",
            "usable_password": "true",
        },
    )
    reader.refresh_from_db()
    assert reader.check_password("nytt-lösenord-123")


def test_the_token_page_needs_the_same_queries_however_many_tokens(
    client, coach, django_assert_num_queries
):
    client.force_login(coach)
    url = reverse("accounts:api-tokens")
    client.get(url)
    for n in range(3):
        tokens.create_token(coach, f"nyckel {n}")
    # Session, user, grants, the two kinds of second factor, municipality, the tokens, and the
    # idle timeout's session update (savepoint, update, release).
    with django_assert_num_queries(10):
        client.get(url)
