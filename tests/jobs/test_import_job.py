"""A large web import runs as a background job and its page shows the result."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etablera.jobs.models import Job, JobStatus
from etablera.jobs.progress import Progress
from etablera.jobs.worker import run_pending
from etablera.register.models import ImportRun, Participant
from tests.register.factories import next_number


def upload(rows):
    text = "\n".join(";".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("deltagare.csv", text.encode("utf-8"), content_type="text/csv")


@pytest.fixture
def large(settings):
    settings.ETABLERA_BACKGROUND_IMPORT_KB = 0  # every upload counts as large


def test_a_large_upload_is_imported_by_a_job(client, coach, coach_unit, large, settings):
    numbers = [next_number() for _ in range(4)]
    client.force_login(coach)
    response = client.post(
        reverse("register:import"),
        {
            "kind": "participants",
            "unit": coach_unit.pk,
            "file": upload([["Personnummer", "Kön"]] + [[n, "K"] for n in numbers]),
        },
    )
    job = Job.objects.get()
    assert response.status_code == 302 and response.url == reverse("jobs:detail", args=[job.pk])
    assert job.owner == coach and job.kind == "register.import"
    assert not Participant.objects.exists()
    assert len(list((settings.ETABLERA_JOB_FILES_DIR / "uploads").iterdir())) == 1

    run_pending()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED, job.error
    assert job.result["created"] == 4 and job.result["committed"]
    assert Participant.objects.filter(owning_unit=coach_unit).count() == 4
    assert ImportRun.objects.get().started_by == coach
    assert not list((settings.ETABLERA_JOB_FILES_DIR / "uploads").iterdir())
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Importen är klar" in page and "deltagare.csv" in page
    for number in numbers:
        assert number not in page and number not in str(job.params) + str(job.result)


def test_a_large_upload_with_errors_writes_nothing_and_links_the_report(
    client, coach, coach_unit, large, settings, tmp_path
):
    settings.MEDIA_ROOT = tmp_path / "media"
    client.force_login(coach)
    client.post(
        reverse("register:import"),
        {
            "kind": "participants",
            "unit": coach_unit.pk,
            "file": upload([["Personnummer", "Kön"], [next_number(), "K"], ["nonsens", "K"]]),
        },
    )
    run_pending()
    job = Job.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.result["errors"] == 1
    assert not Participant.objects.exists()
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Ingenting sparades" in page
    assert reverse("register:import-errors", args=[job.result["run"]]) in page


def test_a_small_upload_is_still_imported_in_the_request(client, coach, coach_unit):
    client.force_login(coach)
    response = client.post(
        reverse("register:import"),
        {
            "kind": "participants",
            "unit": coach_unit.pk,
            "file": upload([["Personnummer", "Kön"], [next_number(), "K"]]),
        },
    )
    assert response.status_code == 200 and not Job.objects.exists()
    assert Participant.objects.count() == 1


def test_progress_reported_inside_a_transaction_is_seen_at_once(coach, transactional_db):
    """Inside the job's own transaction the report goes where another connection can read it;
    outside one, straight to the job's row."""
    from django.db import transaction

    from etablera.jobs import selectors, services

    job = services.enqueue("test.rename", actor=coach, name="x")
    Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
    with transaction.atomic():
        Progress(job)(3, 10, "Tre av tio.", force=True)
        seen = selectors.with_latest_progress(Job.objects.get(pk=job.pk))
        assert (seen.progress_done, seen.progress_total, seen.message) == (3, 10, "Tre av tio.")
    Progress(job)(5, 10, "Fem av tio.", force=True)
    job.refresh_from_db()
    assert (job.progress_done, job.progress_total, job.message) == (5, 10, "Fem av tio.")


def test_a_progress_report_never_waits_for_a_row_its_own_transaction_holds(coach, transactional_db):
    """A caller whose transaction holds the job's row (it changed it) and reports progress:
    on PostgreSQL the report is left out after a short wait instead of waiting for ever; on
    SQLite it goes to the side file."""
    from django.db import transaction

    from etablera.jobs import selectors, services

    job = services.enqueue("test.rename", actor=coach, name="x")
    with transaction.atomic():
        Job.objects.filter(pk=job.pk).update(status=JobStatus.RUNNING)
        Progress(job)(1, 4, "En av fyra.", force=True)
        seen = selectors.with_latest_progress(Job.objects.get(pk=job.pk))
    assert seen.status == JobStatus.RUNNING
    assert seen.progress_done in (0, 1)
