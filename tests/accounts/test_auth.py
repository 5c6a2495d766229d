"""Sign-in in Swedish, lockout after repeated failures, the access log."""

from __future__ import annotations

import pytest
from django.urls import reverse

from etablera.accounts.access_log import log_access, verify_access_log
from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from tests.accounts.trail import tampering
from tests.factories import UserFactory


def test_login_page_is_swedish(client, db):
    html = client.get(reverse("accounts:login")).content.decode()
    assert 'lang="sv"' in html
    assert "Logga in" in html


def test_wrong_password_gives_a_swedish_message(client, db):
    UserFactory(username="anna")
    response = client.post(reverse("accounts:login"), {"username": "anna", "password": "fel"})
    assert "Fel användarnamn eller lösenord" in response.content.decode()


def test_account_is_locked_after_repeated_failures(client, db, settings):
    UserFactory(username="berit")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(reverse("accounts:login"), {"username": "berit", "password": "fel"})
    response = client.post(
        reverse("accounts:login"), {"username": "berit", "password": "lösenord-för-test-1"}
    )
    assert response.status_code == 429
    assert "Kontot är tillfälligt spärrat" in response.content.decode()


def test_correct_password_signs_in(client, db):
    UserFactory(username="cilla")
    response = client.post(
        reverse("accounts:login"), {"username": "cilla", "password": "lösenord-för-test-1"}
    )
    assert response.status_code == 302


def test_access_log_chain_detects_tampering(db, body):
    user = UserFactory()
    log_access(user, "view", body)
    log_access(user, "export", [body, body], detail="test")
    assert AccessLogEntry.objects.count() == 3
    assert verify_access_log() == []
    entry = AccessLogEntry.objects.order_by("pk")[1]
    with tampering():
        AccessLogEntry.objects.filter(pk=entry.pk).update(username="someone-else")
    assert verify_access_log() == [entry.seq]


def test_only_admins_search_the_access_log(client, make_user, body):
    log_access(make_user(Role.COACH), "view", body)
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("accounts:access-log")).status_code == 403
    client.force_login(make_user(Role.ADMIN))
    response = client.get(reverse("accounts:access-log"), {"action": "view"})
    assert response.status_code == 200
    assert "organisation.body" in response.content.decode()


def test_access_log_filter_rejects_reversed_dates(client, make_user):
    client.force_login(make_user(Role.ADMIN))
    response = client.get(
        reverse("accounts:access-log"), {"date_from": "2025-05-01", "date_to": "2025-01-01"}
    )
    assert "Slutdatum kan inte ligga före startdatum." in response.content.decode()


@pytest.mark.parametrize("rows", [2, 30])
def test_access_log_query_count_is_pinned(
    client, make_user, body, rows, django_assert_max_num_queries
):
    admin = make_user(Role.ADMIN)
    log_access(admin, "view", [body] * rows)
    client.force_login(admin)
    with django_assert_max_num_queries(9):
        assert client.get(reverse("accounts:access-log")).status_code == 200
