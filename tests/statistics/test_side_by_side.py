"""A computation's independent queries, run side by side on their own connections, give the
same figures as run one after another.

Other tests run inside a transaction, where the engine runs the queries one after another
(other connections could not see the test's rows); this one commits its rows so that worker
threads, each with its own connection, read them. On SQLite the test database lives in memory,
shared between the connections of the process.
"""

from __future__ import annotations

import datetime as dt
import threading

import pytest

from etablera.goals.periods import resolve_period
from etablera.register.status_defaults import ensure_default_status_categories
from etablera.statistics import kpis, one_way, results, selectors
from etablera.statistics.kpis import municipality_scope
from etablera.statistics.models import PublishedFigures
from tests.factories import UnitFactory

from .conftest import near
from .factories import EnrolmentFactory, InterventionFactory, ParticipantFactory, observe

AS_OF = dt.date(2026, 1, 15)
DIMENSIONS = ("gender", "category", "intervention", "reception", "age", "education")


def snapshot(report: kpis.KpiReport) -> dict:
    return {
        key: {kpi: (cell.value, cell.suppressed) for kpi, cell in group.cells.items()}
        for key, group in report.groups.items()
    }


@pytest.mark.django_db(transaction=True)
def test_side_by_side_gives_the_same_figures(settings, monkeypatch):
    # Another transactional test may have emptied the tables, migration data included.
    ensure_default_status_categories()
    unit = UnitFactory()
    interventions = [InterventionFactory(category=c) for c in ("internship", "guidance")]
    for n in range(60):
        participant = ParticipantFactory(
            owning_unit=unit,
            gender="KMX"[n % 3],
            birth_year=1970 + n % 30,
            received_on=dt.date(2019, 1, 1) + dt.timedelta(days=40 * n),
        )
        enrolment = EnrolmentFactory(
            participant=participant,
            intervention=interventions[n % 2],
            start=dt.date(2025, 1, 1) + dt.timedelta(days=n),
            end=dt.date(2025, 5, 1) + dt.timedelta(days=2 * n),
            exit=("work", "studies", "job_seeking")[n % 3],
        )
        observe(enrolment, 90, "work" if n % 2 else "job_seeking")
    period = resolve_period("2025")

    settings.ETABLERA_KPI_WORKERS = 1
    alone = kpis.compute(period, municipality_scope(), (), one_way=DIMENSIONS, as_of=AS_OF)
    trend_alone = selectors.trend(None, period, municipality_scope(), as_of=AS_OF)

    PublishedFigures.objects.all().delete()  # computed again, not read as kept
    settings.ETABLERA_KPI_WORKERS = 3
    monkeypatch.setattr(results, "_in_memory", lambda: False)
    # The test database is SQLite in memory with a shared cache, where a write beside the
    # worker threads' reads fails at once ("table is locked") instead of waiting as it does on
    # a database file or PostgreSQL; what is compared here are the figures, not their keeping.
    monkeypatch.setattr(kpis.frozen, "keep", lambda *args, **kwargs: None)
    threads: set[str] = set()
    original = one_way._fine_sums

    def spy(*args, **kwargs):
        threads.add(threading.current_thread().name)
        return original(*args, **kwargs)

    monkeypatch.setattr(one_way, "_fine_sums", spy)
    together = kpis.compute(period, municipality_scope(), (), one_way=DIMENSIONS, as_of=AS_OF)
    trend_together = selectors.trend(None, period, municipality_scope(), as_of=AS_OF)

    assert threads and all(name.startswith("kpis") for name in threads)
    assert snapshot(together) == snapshot(alone)
    assert near(alone.total.cells["active_participants"].value, 60)
    assert [(p.label, snapshot(p.report)) for p in trend_together] == [
        (p.label, snapshot(p.report)) for p in trend_alone
    ]
