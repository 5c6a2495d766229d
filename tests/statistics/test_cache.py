"""The KPI cache: a repeated view costs no computation, and a change shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from etablera.register.models import Enrolment, ImportRun
from etablera.register.signals import register_changed
from etablera.statistics import selectors
from etablera.statistics.kpis import municipality_scope

from .conftest import AS_OF
from .factories import EnrolmentFactory, ParticipantFactory, status


@pytest.fixture(autouse=True)
def cached(no_remembered_kpis, settings):
    settings.ETABLERA_KPI_CACHE_SECONDS = 600
    yield
    cache.clear()


def active(report) -> int:
    return report.total.cells["active_participants"].value


def compute():
    return selectors.compute(selectors.resolve("2025"), municipality_scope(), as_of=AS_OF)


def test_a_repeated_computation_is_remembered(populated, django_assert_max_num_queries):
    first = compute()
    with django_assert_max_num_queries(2):  # the register's version, nothing else
        again = compute()
    assert active(again) == active(first) == 49


def test_a_change_through_the_register_shows_at_once(populated):
    assert active(compute()) == 49
    EnrolmentFactory(participant=ParticipantFactory(), start=dt.date(2025, 3, 1))
    assert active(compute()) == 50
    enrolment = Enrolment.objects.filter(end__isnull=True).first()
    enrolment.delete()
    assert active(compute()) == 49


def test_an_import_shows_at_once(populated, unit):
    assert active(compute()) == 49
    # A bulk import writes no change history; its import run is enough to refresh. Like an
    # import, a bulk write announces itself so that the engine's facts follow.
    written = Enrolment.objects.bulk_create(
        [
            Enrolment(
                participant=ParticipantFactory(),
                intervention=populated["internship"],
                start=dt.date(2025, 4, 1),
                status_at_start=status("job_seeking"),
            )
        ]
    )
    register_changed.send(sender=Enrolment, participant_ids=[e.participant_id for e in written])
    ImportRun.objects.create(
        kind="enrolments", file_name="x.csv", owning_unit=unit, status="committed"
    )
    assert active(compute()) == 50


def test_the_scope_is_part_of_the_key(populated, unit):
    from etablera.statistics.kpis import Scope

    assert active(compute()) == 49
    own = Scope(f"enhet-{unit.pk}", unit.name, frozenset({unit.pk}))
    report = selectors.compute(selectors.resolve("2025"), own, as_of=AS_OF)
    assert active(report) == 43
