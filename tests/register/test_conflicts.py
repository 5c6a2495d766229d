"""No existence oracle, and the register's administrator's cases.

Registering a number that belongs to someone of another unit must answer exactly as
registering someone new — through the API, the form and the import (dry run or not, web and
command line). The collision becomes a RegistrationConflict that a coach whose reach covers
both units (the register's administrator) resolves: transfer, shared participation or reject.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import re
from collections.abc import Callable
from contextlib import redirect_stderr
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.urls import reverse
from rest_framework.test import APIClient

from etablera.accounts.models import AccessLogEntry
from etablera.accounts.roles import Role
from etablera.register.models import (
    ConflictStatus,
    Enrolment,
    Participant,
    ParticipantShare,
    RegistrationConflict,
)
from etablera.register.synthetic import number_for
from tests.register.factories import EnrolmentFactory, ParticipantFactory
from tests.register.test_views import registration

#: Two numbers with the same birth date and gender: everything a response may show of them
#: (the masked number, birth year, gender) is the same, so the responses can be compared whole.
BIRTH = dt.date(1990, 6, 15)
KNOWN, UNSEEN = number_for(BIRTH, 991), number_for(BIRTH, 993)


@pytest.fixture
def administrator(make_user, body):
    """The register's administrator: a coach whose reach covers both units (the body)."""
    return make_user(Role.COACH, body=body)


@pytest.fixture
def known(other_unit):
    """A person registered under another unit than the coach's."""
    return ParticipantFactory(number=KNOWN, owning_unit=other_unit, gender="M")


def normalised(content: bytes | str) -> str:
    """A response without what differs between any two registrations: ids, timestamps,
    durations, CSRF tokens and nonces."""
    text = content.decode() if isinstance(content, bytes) else content
    text = re.sub(r'(csrfmiddlewaretoken" value=|nonce=)"[^"]*"', r"\1*", text)
    text = re.sub(r'"(id|created_at|updated_at)": ?("[^"]*"|\d+)', r'"\1": *', text)
    text = re.sub(r"\d{4}-\d{2}-\d{2}([ T]\d{2}:\d{2}(:\d{2}(\.\d+)?)?)?", "*", text)
    text = re.sub(r"\d+[.,]\d+ ?s\b", "* s", text)
    text = re.sub(r"\(\d+ rows/s\)", "(* rows/s)", text)
    text = re.sub(r"/\d+/", "/*/", text)
    text = re.sub(r"(importfel-|\?sida=|value=\")\d+", r"\1*", text)
    return text


def both(action: Callable[[str], str]) -> tuple[str, str]:
    """``action`` for the other unit's number and for a never-seen one, each from the same
    state of the database (the first is rolled back before the second)."""
    answers = []
    for number in (KNOWN, UNSEEN):
        with transaction.atomic():
            answers.append(normalised(action(number)))
            transaction.set_rollback(True)
    return answers[0], answers[1]


def csv_file(number: str) -> bytes:
    return f"Personnummer;Kön;Utbildning\r\n{number};M;Gymnasial\r\n".encode()


# --- no existence oracle, per entry point ---------------------------------------------------


def test_the_api_answers_alike(coach, coach_unit, known):
    api = APIClient()
    api.force_authenticate(coach)

    def register(number: str) -> str:
        response = api.post(
            "/api/participants/",
            {
                "identity_kind": "personnummer",
                "identity_number": number,
                "owning_unit": coach_unit.pk,
                "gender": "M",
                "country_of_birth": "SY",
            },
            format="json",
        )
        assert response.status_code == 201
        created = response.json()
        shown = api.get(f"/api/participants/{created['id']}/")
        found = api.post("/api/participants/search/", {"number": number}, format="json")
        again = api.post(
            "/api/participants/",
            {
                "identity_kind": "personnummer",
                "identity_number": number,
                "owning_unit": coach_unit.pk,
            },
            format="json",
        )
        parts = [response, shown, found, again]
        return json.dumps(
            [[r.status_code, normalised(r.content), r.get("Cache-Control")] for r in parts]
        )

    assert_alike(*both(register))


def assert_alike(for_known: str, for_unseen: str) -> None:
    assert for_known == for_unseen
    assert "registeransvarig för granskning" not in for_known


def test_the_form_answers_alike(client, coach, coach_unit, known):
    client.force_login(coach)

    def register(number: str) -> str:
        response = client.post(
            reverse("register:participant-create"),
            registration(coach_unit, identity_number=number, gender="M"),
        )
        assert response.status_code == 302
        page = client.get(response["Location"])
        found = client.post(reverse("register:participant-search"), {"query": number})
        return "\n".join(
            [
                str(response.status_code),
                response["Location"],
                page.content.decode(),
                str(found.status_code),
                found.get("Location", ""),
            ]
        )

    assert_alike(*both(register))


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_upload_page_answers_alike(client, coach, coach_unit, known, dry_run):
    client.force_login(coach)

    def upload(number: str) -> str:
        data = io.BytesIO(csv_file(number))
        data.name = "deltagare.csv"
        form = {"kind": "participants", "unit": coach_unit.pk, "file": data}
        if dry_run:
            form["dry_run"] = "on"
        response = client.post(reverse("register:import"), form)
        assert response.status_code == 200
        return response.content.decode()

    assert_alike(*both(upload))
    if not dry_run:
        with transaction.atomic():
            upload_again = client.post(
                reverse("register:import"),
                {"kind": "participants", "unit": coach_unit.pk, "file": _named(KNOWN)},
            )
            transaction.set_rollback(True)
        assert upload_again.status_code == 200


def _named(number: str) -> io.BytesIO:
    data = io.BytesIO(csv_file(number))
    data.name = "deltagare.csv"
    return data


@pytest.mark.parametrize("dry_run", [True, False])
def test_the_command_line_answers_alike(tmp_path, coach, coach_unit, known, dry_run):
    def run(number: str) -> str:
        path = tmp_path / "deltagare.csv"
        path.write_bytes(csv_file(number))
        out, err = StringIO(), StringIO()
        args = ["participants", str(path), "--unit", str(coach_unit.pk)]
        args += ["--user", coach.username, "--no-progress"]
        with redirect_stderr(err):
            call_command("import", *args, *(["--dry-run"] if dry_run else []), stdout=out)
        return out.getvalue() + err.getvalue()

    for_known, for_unseen = both(run)
    assert for_known == for_unseen
    assert ("1 new" in for_known) is not dry_run


def test_the_command_line_imports_as_the_named_user_or_not_at_all(
    tmp_path, make_user, body, coach, coach_unit, other_unit
):
    from django.core.management.base import CommandError

    path = tmp_path / "deltagare.csv"
    path.write_bytes(csv_file(UNSEEN))
    strategist = make_user(Role.STRATEGIST, body=body)
    with pytest.raises(CommandError, match="may not import participants"):
        call_command("import", "participants", str(path), "--user", strategist.username)
    with pytest.raises(CommandError, match="may not import into"):
        args = ["--unit", str(other_unit.pk), "--user", coach.username, "--no-progress"]
        call_command("import", "participants", str(path), *args)
    assert not Participant.objects.exists()


def test_a_collision_is_a_case_held_for_review_and_in_the_trail(client, coach, coach_unit, known):
    client.force_login(coach)
    response = client.post(
        reverse("register:participant-create"),
        registration(coach_unit, identity_number=KNOWN, gender="M"),
    )
    held = Participant.objects.get(owning_unit=coach_unit)
    assert response["Location"] == reverse("register:participant-detail", args=[held.pk])
    assert held.held_for_review and held.identity_hash == known.identity_hash
    conflict = RegistrationConflict.objects.get()
    assert (conflict.participant, conflict.held, conflict.requested_by, conflict.source) == (
        known,
        held,
        coach,
        "form",
    )
    assert AccessLogEntry.objects.filter(
        user=coach, action="create", subject_type="register.registrationconflict"
    ).exists()
    # The held registration is the coach's like any: never another unit's person.
    assert client.get(reverse("register:participant-detail", args=[known.pk])).status_code == 404


def test_an_import_holds_each_collision_once(coach, coach_unit, known):
    from etablera.register.importing.engine import ImportScope, run_import

    def run():
        return run_import(
            "participants",
            io.BytesIO(csv_file(KNOWN)),
            file_name="f.csv",
            scope=ImportScope(default_unit=coach_unit, allowed_paths=(coach_unit.path,)),
            actor=coach,
            dry_run=False,
        )

    first = run()
    assert (first.created, first.updated) == (1, 0)
    second = run()
    assert (second.created, second.updated, second.unchanged) == (0, 0, 1)
    conflict = RegistrationConflict.objects.get()
    assert conflict.source == "import" and conflict.held.owning_unit == coach_unit
    assert conflict.import_run == first.run
    known.refresh_from_db()
    assert known.owning_unit != coach_unit and known.education_level != "upper_secondary"


def test_the_same_unit_registering_twice_is_told_as_for_anyone(coach, coach_unit, known):
    api = APIClient()
    api.force_authenticate(coach)
    body = {"identity_kind": "personnummer", "owning_unit": coach_unit.pk}
    api.post("/api/participants/", {**body, "identity_number": KNOWN}, format="json")
    api.post("/api/participants/", {**body, "identity_number": UNSEEN}, format="json")
    twice = [
        api.post("/api/participants/", {**body, "identity_number": n}, format="json")
        for n in (KNOWN, UNSEEN)
    ]
    assert [r.status_code for r in twice] == [400, 400]
    assert twice[0].content == twice[1].content
    assert RegistrationConflict.objects.count() == 1


# --- the register's administrator -----------------------------------------------------------


def _case(coach, coach_unit, known) -> RegistrationConflict:
    api = APIClient()
    api.force_authenticate(coach)
    created = api.post(
        "/api/participants/",
        {"identity_kind": "personnummer", "identity_number": KNOWN, "owning_unit": coach_unit.pk},
        format="json",
    )
    assert created.status_code == 201
    return RegistrationConflict.objects.get()


def test_only_a_coach_reaching_both_units_sees_and_decides(
    client, coach, other_coach, administrator, coach_unit, known
):
    conflict = _case(coach, coach_unit, known)
    for outsider in (coach, other_coach):
        client.force_login(outsider)
        assert known.label not in client.get(reverse("register:conflicts")).content.decode()
        refused = client.post(
            reverse("register:conflicts"), {"conflict": conflict.pk, "action": "transfer"}
        )
        assert refused.status_code == 404
    client.force_login(administrator)
    page = client.get(reverse("register:conflicts"))
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    text = page.content.decode()
    assert text.count(known.label) >= 2 and "Delat deltagande" in text
    logged = AccessLogEntry.objects.filter(
        user=administrator, detail="registration conflicts", subject_type="register.participant"
    ).values_list("subject_id", flat=True)
    assert set(logged) == {str(known.pk), str(conflict.held_id)}
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN


def test_transfer_moves_the_person_and_merges_the_held_registration(
    client, coach, other_coach, administrator, coach_unit, other_unit, known
):
    kept = EnrolmentFactory(participant=known)
    conflict = _case(coach, coach_unit, known)
    EnrolmentFactory(participant=conflict.held)
    EnrolmentFactory(participant=conflict.held, intervention=kept.intervention, start=kept.start)
    client.force_login(administrator)
    done = client.post(
        reverse("register:conflicts"), {"conflict": conflict.pk, "action": "transfer"}, follow=True
    )
    assert "förts över" in done.content.decode()
    known.refresh_from_db()
    assert known.owning_unit == coach_unit
    assert Enrolment.objects.filter(participant=known).count() == 2
    assert not Participant.objects.filter(pk=conflict.held_id).exists()
    conflict.refresh_from_db()
    assert (conflict.status, conflict.resolved_by) == (ConflictStatus.TRANSFERRED, administrator)
    details = set(
        AccessLogEntry.objects.filter(user=administrator).values_list("detail", flat=True)
    )
    assert any("transferred from unit" in d for d in details)
    assert any("merged into participant" in d for d in details)
    api = APIClient()
    api.force_authenticate(other_coach)
    assert api.get(f"/api/participants/{known.pk}/").status_code == 404
    api.force_authenticate(coach)
    assert api.get(f"/api/participants/{known.pk}/").status_code == 200


def test_shared_participation_lets_both_units_see_and_work(
    client, coach, other_coach, administrator, coach_unit, other_unit, known
):
    conflict = _case(coach, coach_unit, known)
    client.force_login(administrator)
    client.post(reverse("register:conflicts"), {"conflict": conflict.pk, "action": "share"})
    known.refresh_from_db()
    assert known.owning_unit == other_unit
    assert ParticipantShare.objects.get().unit == coach_unit
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.SHARED
    for user in (coach, other_coach):
        api = APIClient()
        api.force_authenticate(user)
        listed = api.get("/api/participants/").json()
        ids = [p["id"] for p in listed.get("results", listed)]
        assert ids.count(known.pk) == 1
        assert api.get(f"/api/participants/{known.pk}/").status_code == 200
        client.force_login(user)
        assert (
            client.get(reverse("register:participant-detail", args=[known.pk])).status_code == 200
        )
        assert known.label in client.get(reverse("register:participant-search")).content.decode()
        assert client.get(reverse("register:enrolment-create", args=[known.pk])).status_code == 200
    assert (
        "Delas med"
        in client.get(reverse("register:participant-detail", args=[known.pk])).content.decode()
    )
    enrolment = EnrolmentFactory(participant=known)
    api = APIClient()
    api.force_authenticate(coach)
    assert api.get(f"/api/enrolments/{enrolment.pk}/").status_code == 200
    assert AccessLogEntry.objects.filter(
        user=administrator, detail__contains=f"shared with unit {coach_unit.pk}"
    ).exists()


def test_reject_removes_the_held_registration_only(
    client, coach, administrator, coach_unit, other_unit, known
):
    conflict = _case(coach, coach_unit, known)
    held = conflict.held
    EnrolmentFactory(participant=held)
    client.force_login(administrator)
    client.post(reverse("register:conflicts"), {"conflict": conflict.pk, "action": "reject"})
    known.refresh_from_db()
    assert known.owning_unit == other_unit and not known.shares.exists()
    assert not Participant.objects.filter(pk=held.pk).exists()
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.DECLINED and conflict.held is None
    assert AccessLogEntry.objects.filter(
        user=administrator, action="delete", detail__contains="held registration rejected"
    ).exists()
    page = client.get(reverse("register:conflicts")).content.decode()
    assert "Inga öppna konflikter." in page and "avslagen" in page


def test_a_decision_is_taken_once_and_an_unknown_one_is_refused(
    client, coach, administrator, coach_unit, known
):
    conflict = _case(coach, coach_unit, known)
    client.force_login(administrator)
    unknown = client.post(
        reverse("register:conflicts"), {"conflict": conflict.pk, "action": "merge"}, follow=True
    )
    assert "Välj ett beslut" in unknown.content.decode()
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.OPEN
    client.post(reverse("register:conflicts"), {"conflict": conflict.pk, "action": "share"})
    again = client.post(
        reverse("register:conflicts"), {"conflict": conflict.pk, "action": "reject"}, follow=True
    )
    assert "redan hanterad" in again.content.decode()
    conflict.refresh_from_db()
    assert conflict.status == ConflictStatus.SHARED
    assert client.post(reverse("register:conflicts"), {"conflict": "x"}).status_code == 404


def test_the_case_page_reads_a_fixed_number_of_queries(
    client, coach, administrator, coach_unit, other_unit, django_assert_max_num_queries
):
    api = APIClient()
    api.force_authenticate(coach)
    for serial in (981, 983, 985):
        number = number_for(BIRTH, serial)
        ParticipantFactory(number=number, owning_unit=other_unit)
        api.post(
            "/api/participants/",
            {
                "identity_kind": "personnummer",
                "identity_number": number,
                "owning_unit": coach_unit.pk,
            },
            format="json",
        )
    client.force_login(administrator)
    client.get(reverse("register:conflicts"))
    with django_assert_max_num_queries(20) as few:
        client.get(reverse("register:conflicts"))
    pinned = len(few)
    number = number_for(BIRTH, 987)
    ParticipantFactory(number=number, owning_unit=other_unit)
    api.post(
        "/api/participants/",
        {"identity_kind": "personnummer", "identity_number": number, "owning_unit": coach_unit.pk},
        format="json",
    )
    with django_assert_max_num_queries(pinned):
        client.get(reverse("register:conflicts"))
