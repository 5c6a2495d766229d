"""A worker killed with SIGKILL in the middle of a job leaves nothing half-written, and the job
is marked failed when a worker starts again."""

from __future__ import annotations

from tests.sidedb import STARTUP_TABLES

JOB_TABLES = ("jobs_job", "django_tasks_database_dbtaskresult", *STARTUP_TABLES)


def test_a_worker_killed_mid_job_leaves_nothing_and_the_job_fails(side):
    side.python(
        "import tests.jobs.kinds\n"
        "from tests.factories import MunicipalityFactory\n"
        "from etablera.accounts.policy import Operator\n"
        "from etablera.jobs.services import enqueue\n"
        "MunicipalityFactory(name='Före')\n"
        "enqueue('test.crash', actor=Operator('test'), name='Efter',"
        f" signal_dir={str(side.var)!r})\n"
    )
    before = side.tables(skip=JOB_TABLES)
    worker = side.start(
        "import tests.jobs.kinds\n"
        "from etablera.__main__ import main\n"
        "main(['etablera', 'worker', '--interval', '0.1'])\n"
    )
    side.kill_at_marker(worker, side.var / "midway")

    assert side.tables(skip=JOB_TABLES) == before
    side.python(
        "from etablera.jobs.worker import run_pending\n"
        "from etablera.jobs.models import Job\n"
        "from django_tasks_db.models import DBTaskResult\n"
        "assert Job.objects.get().status == 'running'\n"
        "run_pending()\n"
        "job = Job.objects.get()\n"
        "assert job.status == 'failed', job.status\n"
        "assert 'Arbetsprocessen stannade' in job.error\n"
        "assert DBTaskResult.objects.get().status == 'FAILED'\n"
    )
    assert side.tables(skip=JOB_TABLES) == before
