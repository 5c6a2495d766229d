"""The coach's participant list: names to those who may see them, filters that only narrow the
scope, orders, search by name (GET) beside the exact number search (POST), keyset pages and a
pinned number of queries whatever the size of the register."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.urls import reverse

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register.models import Participant
from tests.factories import UnitFactory
from tests.register.factories import (
    EnrolmentFactory,
    InterventionFactory,
    OutcomeObservationFactory,
    ParticipantFactory,
    status,
)


@pytest.fixture
def url():
    return reverse("register:participant-search")


def shown(response) -> list[int]:
    return [p.pk for p in response.context["page"].rows]


def test_the_list_shows_names_and_logs_each_row_without_them(client, coach, coach_unit, url):
    amina = ParticipantFactory(owning_unit=coach_unit, given_name="Amina", family_name="Haddad")
    client.force_login(coach)
    page = client.get(url).content.decode()
    assert "Haddad, Amina" in page and amina.masked_identity in page
    entry = AccessLogEntry.objects.get(user=coach, subject_type="register.participant")
    assert entry.subject_id == str(amina.pk) and entry.detail == "participant list"
    client.post(url, {"namn": "Haddad"})
    client.get(url)
    searched = AccessLogEntry.objects.filter(detail="participant list, name search").get()
    assert "Haddad" not in searched.detail and "Amina" not in searched.detail


@pytest.mark.parametrize("role", [Role.ADMIN, Role.STRATEGIST, Role.READER, Role.AUDITOR])
def test_no_other_role_sees_the_list_or_a_name(client, make_user, role, coach_unit, url):
    ParticipantFactory(owning_unit=coach_unit, family_name="Tesfaye")
    client.force_login(make_user(role))
    response = client.get(url)
    assert response.status_code == 403
    assert "Tesfaye" not in response.content.decode()


def test_names_stay_out_of_the_change_history(client, coach, coach_unit):
    person = ParticipantFactory(owning_unit=coach_unit, given_name="Omar", family_name="Karimi")
    client.force_login(coach)
    data = {
        "given_name": "Omar Ali",
        "family_name": "Karimi Nazari",
        "responsible_coach": coach.pk,
        "gender": person.gender,
        "birth_year": person.birth_year,
        "country_of_birth": "AF",
        "received_on": "2023-03-01",
        "education_level": "unknown",
        "referred_by": "other",
    }
    response = client.post(reverse("register:participant-edit", args=[person.pk]), data)
    assert response.status_code == 302
    person.refresh_from_db()
    assert (person.given_name, person.family_name) == ("Omar Ali", "Karimi Nazari")
    assert person.responsible_coach == coach
    history = LogEntry.objects.filter(object_pk=str(person.pk))
    assert history.exists()  # the country's change is there ...
    for entry in history:  # ... the names are not
        text = json.dumps(entry.changes) + entry.object_repr
        assert "Karimi" not in text and "Omar" not in text
    for entry in AccessLogEntry.objects.all():
        assert "Karimi" not in entry.detail


def test_registering_makes_the_coach_responsible(client, coach, coach_unit):
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"),
        {
            "identity_kind": "reserve",
            "identity_number": "",
            "reserve_number": "",
            "given_name": "Leyla",
            "family_name": "",
            "gender": "K",
            "country_of_birth": "",
            "received_on": "",
            "education_level": "unknown",
            "referred_by": "other",
            "owning_unit": coach_unit.pk,
        },
    )
    assert response.status_code == 302
    person = Participant.objects.get()
    assert (person.given_name, person.family_name) == ("Leyla", "")
    assert person.responsible_coach == coach


def test_filters_narrow_and_never_widen_the_scope(client, coach, coach_unit, other_unit, url):
    today = dt.date.today()
    work = status("work")
    practice = InterventionFactory(provider_unit=coach_unit)
    other_practice = InterventionFactory(provider_unit=coach_unit)
    mine = ParticipantFactory(owning_unit=coach_unit, responsible_coach=coach)
    active = ParticipantFactory(owning_unit=coach_unit)
    EnrolmentFactory(participant=active, intervention=practice, start=today)
    ended = ParticipantFactory(owning_unit=coach_unit)
    EnrolmentFactory(
        participant=ended,
        intervention=other_practice,
        start=today - dt.timedelta(days=300),
        end=today - dt.timedelta(days=100),
        exit_status=work,
    )
    followed = ParticipantFactory(owning_unit=coach_unit)
    done = EnrolmentFactory(
        participant=followed,
        intervention=other_practice,
        start=today - dt.timedelta(days=300),
        end=today - dt.timedelta(days=100),
        exit_status=status("studies"),
    )
    OutcomeObservationFactory(enrolment=done, days_after_exit=90)
    # Outside the coach's scope, and matching every filter: never shown.
    stranger = ParticipantFactory(owning_unit=other_unit, responsible_coach=coach)
    EnrolmentFactory(participant=stranger, intervention=practice, start=today)
    EnrolmentFactory(
        participant=stranger,
        intervention=other_practice,
        start=today - dt.timedelta(days=300),
        end=today - dt.timedelta(days=100),
        exit_status=work,
    )
    client.force_login(coach)

    assert set(shown(client.get(url))) == {mine.pk, active.pk, ended.pk, followed.pk}
    assert shown(client.get(url, {"mina": "on"})) == [mine.pk]
    assert shown(client.get(url, {"aktiva": "on"})) == [active.pk]
    assert shown(client.get(url, {"insats": practice.pk})) == [active.pk]
    assert shown(client.get(url, {"status": work.pk})) == [ended.pk]
    assert shown(client.get(url, {"uppfoljning": "on"})) == [ended.pk]
    assert shown(client.get(url, {"aktiva": "on", "mina": "on"})) == []
    assert (
        "Inga deltagare matchar filtren"
        in client.get(url, {"mina": "on", "aktiva": "on"}).content.decode()
    )


def by_name(client, url, name, **params):
    """The list searched by ``name``: posted, as the page does, then shown."""
    response = client.post(url, {"namn": name})
    assert response.status_code == 302 and name not in response["Location"]
    return client.get(url, params)


def test_search_by_name_is_within_scope(client, coach, coach_unit, other_unit, url):
    amina = ParticipantFactory(owning_unit=coach_unit, given_name="Amina", family_name="Osman")
    ParticipantFactory(owning_unit=coach_unit, given_name="Omar", family_name="Haddad")
    ParticipantFactory(owning_unit=other_unit, given_name="Amina", family_name="Osman")
    client.force_login(coach)
    assert shown(by_name(client, url, "amina")) == [amina.pk]
    assert shown(by_name(client, url, "osman amina")) == [amina.pk]
    assert shown(by_name(client, url, "Zzz")) == []
    client.post(url, {"namn": "", "rensa": "1"})
    assert amina.pk in shown(client.get(url))
    # Hits come in name order, whatever order was chosen.
    aaron = ParticipantFactory(owning_unit=coach_unit, given_name="Amina", family_name="Abdi")
    for order in ("registrerad", "aktivitet", "namn"):
        assert shown(by_name(client, url, "amina", ordning=order)) == [aaron.pk, amina.pk]


def test_orders(client, coach, coach_unit, url):
    b = ParticipantFactory(owning_unit=coach_unit, given_name="Ali", family_name="Berhane")
    a = ParticipantFactory(owning_unit=coach_unit, given_name="Sara", family_name="Abdi")
    c = ParticipantFactory(owning_unit=coach_unit, given_name="", family_name="")
    now = dt.datetime.now(dt.UTC)
    for person, days in ((a, 3), (b, 1), (c, 2)):
        Participant.objects.filter(pk=person.pk).update(
            last_activity_at=now - dt.timedelta(days=days)
        )
    client.force_login(coach)
    assert shown(client.get(url)) == [c.pk, a.pk, b.pk]  # newest registered first
    assert shown(client.get(url, {"ordning": "namn"})) == [c.pk, a.pk, b.pk]
    assert shown(client.get(url, {"ordning": "aktivitet"})) == [b.pk, c.pk, a.pk]
    assert "Namn saknas" in client.get(url).content.decode()


def test_enrolling_moves_a_participant_to_the_top_of_latest_activity(
    client, coach, coach_unit, url
):
    quiet, busy = ParticipantFactory.create_batch(2, owning_unit=coach_unit)
    Participant.objects.update(last_activity_at=dt.datetime(2024, 1, 1, tzinfo=dt.UTC))
    intervention = InterventionFactory(provider_unit=coach_unit)
    client.force_login(coach)
    client.post(
        reverse("register:enrolment-create", args=[busy.pk]),
        {
            "intervention": intervention.pk,
            "start": dt.date.today().isoformat(),
            "status_at_start": status("job_seeking").pk,
            "livelihood_at_start": "unknown",
        },
    )
    assert shown(client.get(url, {"ordning": "aktivitet"})) == [busy.pk, quiet.pk]


@pytest.mark.parametrize("order", ["registrerad", "namn", "aktivitet"])
def test_keyset_pages_cover_everyone_once(client, coach, coach_unit, other_unit, url, order):
    people = ParticipantFactory.create_batch(112, owning_unit=coach_unit)
    # Equal names and times: the primary key settles the order.
    Participant.objects.filter(pk__in=[p.pk for p in people[:40]]).update(
        family_name="Osman",
        given_name="Hawa",
        last_activity_at=dt.datetime(2025, 1, 1, tzinfo=dt.UTC),
    )
    client.force_login(coach)
    seen, after, pages = [], None, 0
    while True:
        response = client.get(url, {"ordning": order, **({"efter": after} if after else {})})
        seen += shown(response)
        pages += 1
        after = response.context["page"].next_after
        if after is None:
            break
        assert f"efter={after}" in response.content.decode()
    assert pages == 3 and len(seen) == len(set(seen)) == 112
    assert set(seen) == {p.pk for p in people}
    # A position outside the scope, or nonsense, starts from the beginning.
    stranger = ParticipantFactory(owning_unit=other_unit)
    first = shown(client.get(url, {"ordning": order}))
    assert shown(client.get(url, {"ordning": order, "efter": stranger.pk})) == first
    assert shown(client.get(url, {"ordning": order, "efter": "x'"})) == first


def test_bad_filter_values_are_ignored_not_a_500(client, coach, coach_unit, url):
    ParticipantFactory(owning_unit=coach_unit)
    client.force_login(coach)
    response = client.get(url, {"insats": "abc", "status": "999999", "ordning": "x"})
    assert response.status_code == 200
    assert len(shown(response)) == 1


def test_query_count_is_pinned_whatever_the_size(
    client, coach, coach_unit, url, django_assert_num_queries
):
    intervention = InterventionFactory(provider_unit=coach_unit)
    params = {
        "mina": "on",
        "aktiva": "on",
        "uppfoljning": "on",
        "insats": intervention.pk,
        "status": status("work").pk,
        "ordning": "namn",
    }

    today = dt.date.today()

    def grow(n):
        team = UnitFactory(body=coach_unit.body, parent=coach_unit)
        for person in ParticipantFactory.create_batch(n, owning_unit=team, responsible_coach=coach):
            EnrolmentFactory(participant=person, intervention=intervention, start=today)
            EnrolmentFactory(
                participant=person,
                start=today - dt.timedelta(days=300),
                end=today - dt.timedelta(days=100),
                exit_status=status("work"),
            )

    grow(2)
    client.force_login(coach)
    client.post(url, {"namn": "a"})  # the search by name, kept in the session
    client.get(url)  # the session and the grants are read once
    with django_assert_num_queries(PINNED):
        assert client.get(url, params).status_code == 200
    grow(60)
    with django_assert_num_queries(PINNED):
        client.get(url, params)
    # A later page looks its starting row up first: one query more, and no more than that.
    response = client.get(url, params)
    assert len(response.context["page"].rows) == 50
    after = response.context["page"].next_after
    with django_assert_num_queries(PINNED + 1):
        assert len(client.get(url, {**params, "efter": after}).context["page"].rows) == 12


#: Session, user, grants, the two two-factor device tables; interventions and statuses for the
#: filter form (validated, then rendered); the page; the enrolment counts of its rows; the
#: access log (savepoint, last entry, insert, release; PostgreSQL also takes its append lock);
#: the municipality for the layout; the session saved (savepoint, update, release).
PINNED = 19 + (1 if connection.vendor == "postgresql" else 0)
