"""A running worker's routines: each runs when due, a failing one is tried again later without
stopping the others, and one switched off (every 0) never runs."""

from __future__ import annotations

import threading
import time

from etablera.jobs.registry import Routine, routines
from etablera.jobs.worker import run_routines


def test_routines_run_when_due_and_one_failing_stops_nothing():
    ran: list[str] = []

    def locked() -> None:
        ran.append("failed")
        raise RuntimeError("database is locked")

    stop = threading.Event()
    thread = run_routines(
        [
            Routine("counts", lambda: 0.01, lambda: ran.append("counts")),
            Routine("fails", lambda: 0.01, locked),
            Routine("off", lambda: 0, lambda: ran.append("off")),
        ],
        stop=stop,
    )
    deadline = time.monotonic() + 20
    while min(ran.count("counts"), ran.count("failed")) < 3 and time.monotonic() < deadline:
        time.sleep(0.01)
    stop.set()
    thread.join(5)
    assert ran.count("counts") >= 3 and ran.count("failed") >= 3
    assert "off" not in ran
    assert not thread.is_alive()


def test_the_statistics_app_registers_its_monthly_release(settings):
    keep = {r.name: r for r in routines()}["statistics.keep-figures"]
    assert keep.every() == settings.ETABLERA_KEEP_FIGURES_MINUTES * 60 > 0
    settings.ETABLERA_KEEP_FIGURES_MINUTES = 0
    assert keep.every() == 0
