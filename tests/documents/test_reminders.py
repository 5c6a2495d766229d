"""`etablera reminders`: the right people, Swedish text, and never the same reminder twice a day."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from etablera.accounts.roles import Role
from etablera.documents import services
from etablera.documents.models import ReminderSent
from tests.documents.factories import SteeringDocumentFactory, adopted_version, distribution_to
from tests.factories import BodyFactory, UnitFactory

pytestmark = pytest.mark.django_db
DAY = dt.date(2025, 3, 10)


def _user(make_user, role, email: str, **scope):
    user = make_user(role, **scope)
    user.email = email
    user.save()
    return user


def run(*args: str) -> str:
    out = StringIO()
    call_command("reminders", *args, stdout=out, stderr=StringIO())
    return out.getvalue()


def _due(recipient, days: int):
    return distribution_to(
        recipient, deadline=DAY + dt.timedelta(days=days), sent_on=dt.date(2025, 1, 1)
    )


def test_reporters_get_reminders_for_due_and_overdue_acknowledgements(make_user, body):
    reporter = _user(make_user, Role.REPORTER, "rapportor@example.se", body=body)
    soon = _due(body, 7)
    late = _due(body, -3)
    later = _due(body, 8)  # not yet: more than a week left
    done = _due(body, 1)
    services.acknowledge_distribution(done, actor=reporter, text="Klart.")

    run("--today", f"{DAY}")

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["rapportor@example.se"]
    assert "Påminnelse från Etablera" in message.subject
    assert soon.version.document.title in message.body
    assert late.version.document.title in message.body
    assert "3 dagar försenad" in message.body and "om 7 dagar" in message.body
    assert later.version.document.title not in message.body
    assert done.version.document.title not in message.body
    assert message.body.startswith("Hej Test!")


def test_running_twice_the_same_day_sends_nothing_twice(make_user, body):
    _user(make_user, Role.REPORTER, "rapportor@example.se", body=body)
    _due(body, 2)
    owner = BodyFactory()
    _user(make_user, Role.STRATEGIST, "strateg@example.se", body=owner)
    SteeringDocumentFactory(owner=owner, review_by=DAY - dt.timedelta(days=1))

    first = run("--today", f"{DAY}")
    assert len(mail.outbox) == 2
    assert "Sent 2 reminder e-mail(s)" in first
    second = run("--today", f"{DAY}")
    assert len(mail.outbox) == 2
    assert "Sent 0 reminder e-mail(s)" in second and "2 item(s) already sent today" in second
    assert ReminderSent.objects.filter(sent_on=DAY).count() == 2

    # A new day: still due, so reminded again.
    run("--today", f"{DAY + dt.timedelta(days=1)}")
    assert len(mail.outbox) == 4


def test_a_new_item_later_the_same_day_is_sent_alone(make_user, body):
    _user(make_user, Role.REPORTER, "r@example.se", body=body)
    first = _due(body, 1)
    run("--today", f"{DAY}")
    second = _due(body, 2)
    run("--today", f"{DAY}")
    assert len(mail.outbox) == 2
    assert second.version.document.title in mail.outbox[1].body
    assert first.version.document.title not in mail.outbox[1].body


def test_dry_run_sends_and_records_nothing(make_user, body):
    _user(make_user, Role.REPORTER, "r@example.se", body=body)
    _due(body, 0)
    out = run("--today", f"{DAY}", "--dry-run")
    assert "Would send 1 reminder e-mail(s)" in out
    assert mail.outbox == []
    assert not ReminderSent.objects.exists()


def test_unit_distributions_go_to_the_units_reporters_else_the_bodys(make_user, body):
    department = UnitFactory(body=body)
    team = UnitFactory(body=body, parent=department)
    lonely = UnitFactory(body=body)
    unit_reporter = _user(make_user, Role.REPORTER, "enhet@example.se", unit=department)
    body_reporter = _user(make_user, Role.REPORTER, "organ@example.se", body=body)
    to_team = _due(team, 1)
    to_lonely = _due(lonely, 1)

    run("--today", f"{DAY}")

    by_recipient = {m.to[0]: m.body for m in mail.outbox}
    assert to_team.version.document.title in by_recipient[unit_reporter.email]
    assert to_team.version.document.title not in by_recipient[body_reporter.email]
    assert to_lonely.version.document.title in by_recipient[body_reporter.email]


def test_review_reminders_go_to_the_owner_bodys_strategists_and_reporters(make_user, body):
    strategist = _user(make_user, Role.STRATEGIST, "s@example.se", body=body)
    reporter = _user(make_user, Role.REPORTER, "r@example.se", body=body)
    elsewhere = _user(make_user, Role.REPORTER, "x@example.se", body=BodyFactory())
    document = SteeringDocumentFactory(owner=body, review_by=DAY - dt.timedelta(days=10))
    SteeringDocumentFactory(owner=body, review_by=DAY)  # due today: not past yet

    run("--today", f"{DAY}")

    recipients = sorted(m.to[0] for m in mail.outbox)
    assert recipients == sorted([strategist.email, reporter.email])
    assert elsewhere.email not in recipients
    assert all(document.title in m.body for m in mail.outbox)
    assert "Skulle ha reviderats senast" in mail.outbox[0].body


def test_review_of_a_document_whose_owner_has_nobody_goes_to_the_strategists(make_user):
    strategist = _user(make_user, Role.STRATEGIST, "s@example.se", body=BodyFactory())
    SteeringDocumentFactory(owner=BodyFactory(), review_by=DAY - dt.timedelta(days=1))
    run("--today", f"{DAY}")
    assert [m.to for m in mail.outbox] == [[strategist.email]]


def test_nobody_to_remind_is_reported_and_users_without_email_are_skipped(make_user, body):
    make_user(Role.REPORTER, body=body)  # no e-mail address
    _due(body, 1)
    err = StringIO()
    call_command("reminders", "--today", f"{DAY}", stdout=StringIO(), stderr=err)
    assert mail.outbox == []
    assert "No one with an e-mail address" in err.getvalue()


def test_superseded_versions_are_not_reminded(make_user, body):
    _user(make_user, Role.REPORTER, "r@example.se", body=body)
    distribution = _due(body, -5)
    document = distribution.version.document
    adopted_version(document)  # a newer version supersedes the one sent
    run("--today", f"{DAY}")
    assert mail.outbox == []


def test_links_use_the_base_url(make_user, body):
    _user(make_user, Role.REPORTER, "r@example.se", body=body)
    distribution = _due(body, 1)
    run("--today", f"{DAY}", "--base-url", "https://etablera.example.se/")
    assert (
        f"https://etablera.example.se/styrdokument/utskick/{distribution.pk}/kvittera/"
        in mail.outbox[0].body
    )


def test_a_failing_mail_server_records_nothing_and_fails_the_command(make_user, body, settings):
    _user(make_user, Role.REPORTER, "r@example.se", body=body)
    _due(body, 1)
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", 1
    with pytest.raises(CommandError, match="could not be sent"):
        run("--today", f"{DAY}")
    assert not ReminderSent.objects.exists()


def test_a_bad_date_is_refused():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run("--today", "2025-13-01")
