"""Background jobs: queued, run by a worker, followed on a page only the owner (and
administrators) may open, and ended as failed with nothing written when the work fails."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_tasks_db.models import DBTaskResult

from etablera.accounts.roles import Role
from etablera.jobs import services
from etablera.jobs.models import Job, JobStatus
from etablera.jobs.worker import run_pending
from etablera.organisation.models import Municipality
from tests.factories import OPERATOR, MunicipalityFactory


@pytest.fixture
def town(db):
    return MunicipalityFactory(name="Före")


def test_a_job_runs_and_its_owner_sees_the_result(client, make_user, town):
    owner = make_user(Role.STRATEGIST)
    job = services.enqueue("test.rename", actor=owner, name="Efter")
    assert job.status == JobStatus.QUEUED and job.task_id
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "I kö" in page and 'http-equiv="refresh"' in page and "hx-trigger" in page

    run_pending()

    job.refresh_from_db()
    assert job.status == JobStatus.SUCCEEDED
    assert job.result == {"summary": "Nytt namn: Efter"}
    assert job.percent == 100 and job.worker
    assert Municipality.objects.get().name == "Efter"
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Nytt namn: Efter" in page and "hx-trigger" not in page and "refresh" not in page
    fragment = client.get(reverse("jobs:detail", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert b"<html" not in fragment.content and b"Nytt namn: Efter" in fragment.content
    listing = client.get(reverse("jobs:list")).content.decode()
    assert reverse("jobs:detail", args=[job.pk]) in listing


def test_only_the_owner_and_administrators_see_a_job(client, make_user, town):
    owner = make_user(Role.COACH)
    job = services.enqueue("test.rename", actor=owner, name="Efter")
    client.force_login(make_user(Role.COACH))
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 404
    assert (
        reverse("jobs:detail", args=[job.pk])
        not in client.get(reverse("jobs:list")).content.decode()
    )
    client.force_login(make_user(Role.ADMIN))
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 200
    client.logout()
    assert client.get(reverse("jobs:detail", args=[job.pk])).status_code == 302


def test_a_failing_job_is_marked_failed_and_writes_nothing(client, make_user, town):
    owner = make_user(Role.STRATEGIST)
    job = services.enqueue("test.fail", actor=owner, name="Efter")
    run_pending()
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED and job.error == "Det gick inte."
    assert Municipality.objects.get().name == "Före"
    client.force_login(owner)
    assert "Det gick inte." in client.get(reverse("jobs:detail", args=[job.pk])).content.decode()


def test_an_unknown_kind_is_refused_at_once(db):
    with pytest.raises(LookupError):
        services.enqueue("no.such.kind", actor=OPERATOR)
    assert not Job.objects.exists()


def test_a_job_whose_worker_died_is_marked_failed(client, make_user, town):
    owner = make_user(Role.STRATEGIST)
    job = services.enqueue("test.rename", actor=owner, name="Efter")
    # As a worker leaves it when killed mid-job: claimed, running, and its process gone.
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING")
    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker=f"{services.worker_name().split(':')[0]}:999999999"
    )
    client.force_login(owner)
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Arbetsprocessen stannade" in page
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
    assert DBTaskResult.objects.get(pk=job.task_id).status == "FAILED"


def test_a_job_on_another_machine_is_failed_only_when_it_has_gone_quiet(make_user, town, settings):
    job = services.enqueue("test.rename", actor=make_user(Role.ADMIN), name="Efter")
    from django.utils import timezone

    Job.objects.filter(pk=job.pk).update(
        status=JobStatus.RUNNING, worker="elsewhere:1", heartbeat_at=timezone.now()
    )
    assert services.recover_abandoned() == []
    settings.ETABLERA_JOB_STALE_SECONDS = -1
    assert services.recover_abandoned() == [job.pk]


#: Pinned, and the same for 3 and 15 jobs: one page of jobs is read with its owners (two of
#: them are the sign-in's: the user's second-factor devices).
QUERIES = 8


def test_the_job_list_takes_the_same_queries_for_few_and_many(
    client, make_user, town, django_assert_num_queries
):
    admin = make_user(Role.ADMIN)
    client.force_login(admin)
    for _ in range(3):
        services.enqueue("test.rename", actor=make_user(Role.COACH), name="x")
    client.get(reverse("jobs:list"))  # session and grants warmed alike for both counts
    with django_assert_num_queries(QUERIES):
        client.get(reverse("jobs:list"))
    for _ in range(12):
        services.enqueue("test.rename", actor=make_user(Role.COACH), name="x")
    with django_assert_num_queries(QUERIES):
        page = client.get(reverse("jobs:list")).content.decode()
    assert page.count("/jobb/") >= 15


def test_a_job_whose_queue_entry_was_taken_but_never_started_is_failed(make_user, town):
    import datetime as dt

    from django.utils import timezone

    job = services.enqueue("test.rename", actor=make_user(Role.ADMIN), name="Efter")
    assert services.recover_abandoned() == []  # waiting in the queue is no fault
    earlier = timezone.now() - dt.timedelta(hours=2)
    Job.objects.filter(pk=job.pk).update(created_at=earlier)
    assert services.recover_abandoned() == []  # still waiting for a worker
    DBTaskResult.objects.filter(pk=job.task_id).update(status="RUNNING", started_at=earlier)
    assert services.recover_abandoned() == [job.pk]
    job.refresh_from_db()
    assert job.status == JobStatus.FAILED
