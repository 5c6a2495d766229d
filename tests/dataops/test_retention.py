"""Retention: direct identifiers removed from people whose last enrolment ended long ago; every
KPI of every earlier period stays the same; each run is in the access log."""

from __future__ import annotations

import datetime as dt
import io
import json

import pytest
from auditlog.models import LogEntry
from django.core.management import call_command
from django.core.management.base import CommandError

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register import retention, selectors
from etablera.register.models import (
    Enrolment,
    IdentityKind,
    ImportRun,
    Participant,
    RetentionRun,
)
from tests.register.factories import (
    EnrolmentFactory,
    InterventionFactory,
    ParticipantFactory,
    next_number,
    status,
)

TODAY = dt.date(2026, 12, 5)  # cutoff 2021-12-05


@pytest.fixture(autouse=True)
def _no_remembered_kpis(settings):
    settings.ETABLERA_KPI_CACHE_SECONDS = 0


@pytest.fixture
def register(db, coach_unit):
    intervention = InterventionFactory(provider_unit=coach_unit, start=dt.date(2015, 1, 1))
    old, recent = [], []
    first_number = next_number()
    for i in range(24):
        known = {"number": first_number} if i == 0 else {}
        person = ParticipantFactory(owning_unit=coach_unit, gender="KM"[i % 2], **known)
        EnrolmentFactory(
            participant=person,
            intervention=intervention,
            start=dt.date(2018, 1 + i % 12, 1),
            end=dt.date(2019, 6, 30),
            exit_status=status("work" if i % 3 else "studies"),
        )
        old.append(person)
    for _ in range(6):
        person = ParticipantFactory(owning_unit=coach_unit)
        EnrolmentFactory(
            participant=person,
            intervention=intervention,
            start=dt.date(2018, 3, 1),
            end=dt.date(2024, 2, 1),
            exit_status=status("work"),
        )
        recent.append(person)
    active = ParticipantFactory(owning_unit=coach_unit)
    EnrolmentFactory(participant=active, intervention=intervention, start=dt.date(2016, 1, 1))
    never = ParticipantFactory(owning_unit=coach_unit)
    Participant.objects.filter(pk=never.pk).update(
        created_at=dt.datetime(2019, 1, 1, tzinfo=dt.UTC)
    )
    return {
        "old": old,
        "recent": recent,
        "active": active,
        "never": never,
        "first_number": first_number,
    }


def kpis(period: str, by: str = "gender") -> str:
    out = io.StringIO()
    call_command(
        "kpis",
        "--period",
        period,
        "--by",
        by,
        "--format",
        "json",
        "--as-of",
        "2026-12-01",
        stdout=out,
    )
    return out.getvalue()


def test_due_are_those_whose_last_enrolment_ended_before_the_limit(register):
    found = retention.plan(TODAY)
    assert found.limit == dt.date(2021, 12, 5)
    due = {pk for pk, _unit, _end in found.participants}
    assert due == {p.pk for p in register["old"]} | {register["never"].pk}


def test_applying_erases_identifiers_and_keeps_every_figure(register, make_user, coach_unit):
    coach = make_user(Role.COACH, unit=coach_unit)
    first = register["old"][0]
    number = register["first_number"]
    assert selectors.find_participant(coach, number) == first
    first.country_of_birth = "IQ"
    first.given_name, first.family_name = "Leyla", "Rahimova"
    first.save()  # a change in the history, naming the country (and, if it were kept, the name)
    periods = ["2018", "2019", "2019H", "2024"]
    before = {p: kpis(p) for p in periods} | {"cat": kpis("2019", "category")}
    kept = list(
        Participant.objects.order_by("pk").values_list(
            "pk", "birth_year", "gender", "received_on", "owning_unit"
        )
    )
    enrolments = list(Enrolment.objects.order_by("pk").values())

    out = io.StringIO()
    call_command("retention", "--apply", "--today", TODAY.isoformat(), stdout=out)

    assert "25 participant(s)" in out.getvalue()
    after = {p: kpis(p) for p in periods} | {"cat": kpis("2019", "category")}
    assert after == before
    assert json.loads(after["2019"])["rows"]  # the comparison compared figures
    assert kept == list(
        Participant.objects.order_by("pk").values_list(
            "pk", "birth_year", "gender", "received_on", "owning_unit"
        )
    )
    assert enrolments == list(Enrolment.objects.order_by("pk").values())
    gone = Participant.objects.get(pk=first.pk)
    assert gone.identity_kind == IdentityKind.REMOVED and gone.deidentified_at
    assert (gone.identity_encrypted, gone.identity_hash, gone.masked_identity) == ("", None, "")
    assert gone.country_of_birth == "" and gone.reserve_number is None
    assert (gone.given_name, gone.family_name) == ("", "")
    assert not Participant.objects.filter(pk__in=[p.pk for p in register["old"]]).exclude(
        given_name="", family_name=""
    )
    assert selectors.find_participant(coach, number) is None
    history = LogEntry.objects.filter(object_pk=str(first.pk))
    assert history.exists()
    for entry in history:
        assert "country_of_birth" not in (entry.changes or {})
        assert "Leyla" not in json.dumps(entry.changes) and "Rahimova" not in entry.object_repr
        assert "****" not in entry.object_repr
    for person in register["recent"] + [register["active"]]:
        person.refresh_from_db()
        assert person.identity_kind == IdentityKind.PERSONNUMMER and person.identity_hash
        assert person.given_name and person.family_name
    run = RetentionRun.objects.get()
    assert run.applied and run.participants == 25
    logged = AccessLogEntry.objects.filter(detail="retention: direct identifiers removed")
    assert logged.count() == 25
    assert AccessLogEntry.objects.filter(
        subject_type="register.retentionrun", subject_id=str(run.pk)
    ).exists()

    # A second run finds nothing more to do.
    call_command("retention", "--apply", "--today", TODAY.isoformat(), stdout=io.StringIO())
    assert RetentionRun.objects.order_by("-pk").first().participants == 0


def test_listing_changes_nothing_but_is_recorded(register):
    before = list(Participant.objects.order_by("pk").values())
    out = io.StringIO()
    call_command("retention", "--today", TODAY.isoformat(), "-v", "2", stdout=out)
    text = out.getvalue()
    assert "25 participant(s)" in text and "Nothing was changed" in text
    assert f"participant {register['old'][0].pk}\t" in text
    assert list(Participant.objects.order_by("pk").values()) == before
    run = RetentionRun.objects.get()
    assert not run.applied
    assert AccessLogEntry.objects.filter(detail__startswith="retention listed: 25").exists()


def test_old_error_reports_are_deleted(
    register, coach_unit, settings, tmp_path, django_capture_on_commit_callbacks
):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "register-imports").mkdir()
    old_file = tmp_path / "register-imports" / "import-1-fel.csv"
    new_file = tmp_path / "register-imports" / "import-2-fel.csv"
    old_file.write_text("x")
    new_file.write_text("y")
    old_run = ImportRun.objects.create(
        kind="participants",
        file_name="a.csv",
        owning_unit=coach_unit,
        status="rejected",
        error_file="register-imports/import-1-fel.csv",
    )
    ImportRun.objects.filter(pk=old_run.pk).update(
        started_at=dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
    )
    ImportRun.objects.create(
        kind="participants",
        file_name="b.csv",
        owning_unit=coach_unit,
        status="rejected",
        error_file="register-imports/import-2-fel.csv",
    )
    with django_capture_on_commit_callbacks(execute=True):
        retention.run(apply=True, today=TODAY)
    assert not old_file.exists() and new_file.exists()
    old_run.refresh_from_db()
    assert old_run.error_file == ""


def test_a_bad_date_is_explained(db):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("retention", "--today", "igår")


def test_a_deidentified_participant_still_opens_and_shows_no_number(
    client, register, make_user, coach_unit
):
    from django.urls import reverse

    retention.run(apply=True, today=TODAY)
    coach = make_user(Role.COACH, unit=coach_unit)
    client.force_login(coach)
    person = register["old"][0]
    page = client.get(reverse("register:participant-detail", args=[person.pk]))
    assert page.status_code == 200
    assert f"Gallrad ({person.pk})" in page.content.decode()
    shown = client.post(reverse("register:participant-reveal", args=[person.pk]))
    assert shown.status_code == 200
    assert register["first_number"][:8] not in shown.content.decode()
    form = client.get(reverse("register:participant-create")).content.decode()
    assert 'value="removed"' not in form
