"""The KPI cache: a repeated view costs no computation, and a change shows at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import cache

from etablera.register.models import Enrolment, ImportRun
from etablera.register.signals import register_changed
from etablera.statistics import selectors
from etablera.statistics.kpis import municipality_scope

from .conftest import AS_OF, near
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
    assert active(again) == active(first)
    assert near(active(first), 49)


def add_participants(count: int) -> list[Enrolment]:
    """Enough new participants that the published count must move (beyond the noise)."""
    return [
        EnrolmentFactory(participant=ParticipantFactory(), start=dt.date(2025, 3, 1))
        for _ in range(count)
    ]


def test_a_change_through_the_register_shows_in_the_next_release(populated, next_release):
    before = active(compute())
    added = add_participants(10)
    # Within a month's release the published figures stay; the cache still follows the
    # register (it is asked again), and finds the release kept.
    assert active(compute()) == before
    next_release()
    assert near(active(compute()), 59)
    for enrolment in added:
        enrolment.delete()
    next_release()
    # The same people again: the same published value (their cell key is the same).
    assert active(compute()) == before


def test_an_import_shows_in_the_next_release(populated, unit, next_release):
    assert near(active(compute()), 49)
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
            for _ in range(10)
        ]
    )
    register_changed.send(sender=Enrolment, participant_ids=[e.participant_id for e in written])
    ImportRun.objects.create(
        kind="enrolments", file_name="x.csv", owning_unit=unit, status="committed"
    )
    next_release()
    assert near(active(compute()), 59)


def test_the_scope_is_part_of_the_key(populated, unit):
    from etablera.statistics.kpis import Scope

    assert near(active(compute()), 49)
    own = Scope(f"enhet-{unit.pk}", unit.name, frozenset({unit.pk}))
    report = selectors.compute(selectors.resolve("2025"), own, as_of=AS_OF)
    assert near(active(report), 43)
