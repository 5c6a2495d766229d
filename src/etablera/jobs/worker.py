"""Running the queue: in this process (tests, ``--batch``), or as a process of its own beside
the web server (the embedded default of ``etablera serve`` and ``etablera demo``)."""

from __future__ import annotations

import atexit
import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence

from django.db import connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from . import registry
from .services import recover_abandoned

log = logging.getLogger(__name__)


def make_worker(*, batch: bool, interval: float = 1.0, worker_id: str | None = None) -> Worker:
    return Worker(
        queue_names=["default"],
        interval=interval,
        batch=batch,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id=worker_id or get_random_string(32),
        excluded_queue_names=[],
    )


def run_pending() -> None:
    """Run every queued job here and now, then return (tests, and code that must wait).

    The library's loop, less its connection housekeeping: that closes a connection inside a
    transaction, which would end a test's transaction on PostgreSQL.
    """
    recover_abandoned()
    worker = make_worker(batch=True, interval=0)
    while True:
        with exclusive_transaction():
            pending = DBTaskResult.objects.ready().filter(backend_name="default").get_locked()
            if pending is not None:
                pending.claim(worker.worker_id)
        if pending is None:
            return
        worker.run_task(pending)


def exit_with_parent(parent: int) -> None:
    """Stop this worker when the server that started it is gone, however it ended."""

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(1)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="parent-watch", daemon=True).start()


#: Seconds after a worker starts before each routine first runs (at most).
FIRST_ROUTINES_AFTER = 60.0


def run_routines(
    routines: Sequence[registry.Routine] | None = None, *, stop: threading.Event | None = None
) -> threading.Thread:
    """Run the routines (by default the search for jobs abandoned by dead workers, every
    minute, and those registered with ``registry.routine``), each when it is due, in a thread
    beside the worker's loop: a job does not stay "running" until someone opens its page, and
    the month's figures are kept before anyone asks for them. A routine that fails is logged
    and tried again when next due. ``stop`` ends the thread (tests)."""
    if routines is None:
        recover = registry.Routine("jobs.recover-abandoned", lambda: 60.0, recover_abandoned)
        routines = [recover, *registry.routines()]
    chosen = [r for r in routines if r.every() > 0]
    stop = stop or threading.Event()
    start = time.monotonic()
    due = {r.name: start + min(r.every(), FIRST_ROUTINES_AFTER) for r in chosen}

    def loop() -> None:
        while chosen and not stop.wait(max(0.0, min(due.values()) - time.monotonic())):
            for r in chosen:
                if due[r.name] > time.monotonic():
                    continue
                try:
                    r.run()
                except Exception:  # a locked or lost database, say: try again when next due
                    log.warning("The worker's routine %s failed", r.name, exc_info=True)
                finally:
                    connections.close_all()
                    due[r.name] = time.monotonic() + r.every()

    thread = threading.Thread(target=loop, name="worker-routines", daemon=True)
    thread.start()
    return thread


def start_embedded(stdout=None) -> subprocess.Popen:
    """Start ``etablera worker`` as a child process, stopped when this process exits."""
    process = subprocess.Popen(  # noqa: S603 - our own interpreter and command
        [sys.executable, "-m", "etablera", "worker", "--exit-with-parent", str(os.getpid())],
        stdout=stdout,
    )

    starter = os.getpid()

    def stop() -> None:
        # Forked children (gunicorn's workers) inherit this handler; only the starter stops.
        if os.getpid() == starter and process.poll() is None:
            process.terminate()
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()

    atexit.register(stop)
    return process
