"""Running the queue: in this process (tests, ``--batch``), or as a process of its own beside
the web server (the embedded default of ``etablera serve`` and ``etablera demo``)."""

from __future__ import annotations

import atexit
import os
import signal
import subprocess
import sys
import threading
import time

from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult
from django_tasks_db.utils import exclusive_transaction

from .services import recover_abandoned


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


def recover_periodically(every: float = 60.0) -> None:
    """Look for jobs abandoned by dead workers every ``every`` seconds while this worker runs,
    so a job does not stay "running" until someone opens its page."""
    import logging

    from django.db import connections

    def loop() -> None:
        while True:
            time.sleep(every)
            try:
                recover_abandoned()
            except Exception:  # a locked or lost database: try again next round
                logging.getLogger(__name__).warning(
                    "Looking for abandoned jobs failed", exc_info=True
                )
            finally:
                connections.close_all()

    threading.Thread(target=loop, name="recover-abandoned", daemon=True).start()


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
