"""Log review (loggkontroll): search, export and the summary of unusual access."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from django.utils import timezone

from etablera.accounts.access_log import log_access
from etablera.accounts.models import AccessLogEntry
from etablera.accounts.review import summarise
from etablera.accounts.roles import Role
from tests.factories import UnitFactory
from tests.register.factories import EnrolmentFactory, ParticipantFactory


@pytest.fixture
def register(unit, make_user):
    coach = make_user(Role.COACH, unit=unit)
    coach.username = "coach-a"
    coach.save()
    mine = ParticipantFactory(owning_unit=unit)
    other = ParticipantFactory(owning_unit=UnitFactory())
    enrolment = EnrolmentFactory(participant=mine)
    return coach, mine, other, enrolment


def at(hour: int, day: dt.date = dt.date(2026, 3, 4)) -> dt.datetime:
    """A Wednesday at ``hour`` local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time(hour)))


def backdate(when: dt.datetime) -> None:
    """Entries are written "now"; the review is about when, so tests move the newest entries."""
    from tests.accounts.trail import tampering

    latest = AccessLogEntry.objects.order_by("-seq").first()
    with tampering():
        AccessLogEntry.objects.filter(at=latest.at).update(at=when)


def search(client, **params):
    return client.get(reverse("accounts:access-log"), params)


def test_search_by_participant_includes_their_enrolments(client, make_user, register):
    coach, mine, other, enrolment = register
    log_access(coach, "view", mine)
    log_access(coach, "change", enrolment)
    log_access(coach, "view", other)
    client.force_login(make_user(Role.ADMIN))
    page = search(client, participant=mine.pk).context["page"]
    assert {(e.subject_type, e.subject_id) for e in page} == {
        ("register.participant", str(mine.pk)),
        ("register.enrolment", str(enrolment.pk)),
    }


def test_search_by_object_user_action_and_time(client, make_user, register):
    coach, mine, other, _ = register
    log_access(coach, "view", mine)
    backdate(at(10))
    log_access(coach, "search", other)
    client.force_login(make_user(Role.ADMIN))
    found = search(
        client,
        username="coach-a",
        action="view",
        subject_type="register.participant",
        date_from="2026-03-04T09:00",
        date_to="2026-03-04",
    ).context["page"]
    assert [e.subject_id for e in found] == [str(mine.pk)]
    assert (
        not search(client, date_from="2026-03-04T11:00", date_to="2026-03-04T12:00")
        .context["page"]
        .object_list
    )


def test_bad_search_input_gets_a_swedish_message_not_an_error(client, make_user, db):
    client.force_login(make_user(Role.ADMIN))
    response = search(client, participant="99999999999999999999999", date_from="igår")
    assert response.status_code == 200
    assert "Fyll i ett giltigt datum/tid." in response.content.decode()


def test_export_is_csv_with_formulas_neutralised(client, make_user, body):
    evil = make_user(Role.COACH)
    evil.username = "=HYPERLINK(1)"
    evil.save()
    log_access(evil, "view", body, detail="@SUM(A1)")
    client.force_login(make_user(Role.ADMIN))
    response = search(client, format="csv", action="view")
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][:3] == ["Löpnummer", "Tidpunkt", "Användare"]
    assert rows[2][2] == "'=HYPERLINK(1)"
    assert rows[2][6] == "'@SUM(A1)"


def test_export_is_for_log_reviewers_only(client, make_user, db):
    client.force_login(make_user(Role.COACH))
    assert search(client, format="csv").status_code == 403


def test_summary_finds_many_participants_late_access_and_other_units(register, settings):
    coach, mine, other, _ = register
    settings.ETABLERA_REVIEW_MANY_PARTICIPANTS = 2
    log_access(coach, "view", mine)
    backdate(at(10))
    log_access(coach, "view", other)
    backdate(at(22))
    summary = summarise(at(0), at(23, dt.date(2026, 3, 5)))
    assert summary.entries == 2
    assert summary.many == [("coach-a", dt.date(2026, 3, 4), 2)]
    assert [(u, n) for u, n, _ in summary.after_hours] == [("coach-a", 1)]
    assert summary.other_units == [("coach-a", [str(other.pk)])]


def test_a_quiet_day_has_no_unusual_access(register):
    coach, mine, _, enrolment = register
    log_access(coach, "view", [mine, enrolment])
    backdate(at(9))
    summary = summarise(at(0), at(23))
    assert not summary.unusual


def test_review_command_prints_and_emails(register, settings, capsys):
    coach, _, other, _ = register
    log_access(coach, "view", other)
    backdate(at(23))
    call_command("audit", "review", "--since", "2026-03-04")
    out = capsys.readouterr().out
    assert "Åtkomst utanför kontorstid" in out
    assert f"deltagare {other.pk}" in out
    with pytest.raises(CommandError, match="ETABLERA_REVIEW_RECIPIENTS"):
        call_command("audit", "review", "--email")
    settings.ETABLERA_REVIEW_RECIPIENTS = ["registeransvarig@kommun.example"]
    call_command("audit", "review", "--since", "2026-03-04", "--email")
    assert mail.outbox[0].to == ["registeransvarig@kommun.example"]
    assert "avvikelser" in mail.outbox[0].subject


def test_review_command_rejects_a_bad_date(db):
    with pytest.raises(CommandError, match="--since must be a date"):
        call_command("audit", "review", "--since", "last tuesday")
