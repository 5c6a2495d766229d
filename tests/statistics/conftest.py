"""A register big enough that some figures are shown and others must be hidden.

In unit ``unit`` (under ``body``), 2025: 40 participants in internship "Praktik A" (20 women,
20 men), each with an enrolment ended in 2025 — 12 to work, 10 to studies, 18 job seeking —
and 3 participants of unknown gender in work training "Arbetsträning B", ended to work.
In ``other_unit`` (another body): 6 men in internship, still ongoing.
"""

from __future__ import annotations

import datetime as dt

import pytest

from tests.factories import BodyFactory, UnitFactory

from .factories import EnrolmentFactory, InterventionFactory, ParticipantFactory, observe

AS_OF = dt.date(2026, 1, 15)


@pytest.fixture(autouse=True)
def no_remembered_kpis(settings):
    """Every test computes its own figures (test_cache.py turns the cache on)."""
    from django.core.cache import cache

    settings.ETABLERA_KPI_CACHE_SECONDS = 0
    cache.clear()


@pytest.fixture
def populated(db, body, unit):
    other_unit = UnitFactory(body=BodyFactory())
    internship = InterventionFactory(name="Praktik A", category="internship")
    training = InterventionFactory(name="Arbetsträning B", category="work_training")
    exits = ["work"] * 12 + ["studies"] * 10 + ["job_seeking"] * 18
    for n, code in enumerate(exits):
        participant = ParticipantFactory(
            gender="KM"[n % 2], owning_unit=unit, received_on=dt.date(2024, 1, 1)
        )
        enrolment = EnrolmentFactory(
            participant=participant,
            intervention=internship,
            start=dt.date(2025, 1, 1) + dt.timedelta(days=n),
            end=dt.date(2025, 6, 1) + dt.timedelta(days=n),
            exit=code,
        )
        observe(enrolment, 90, code if n % 3 else "job_seeking")
    for n in range(3):
        EnrolmentFactory(
            participant=ParticipantFactory(gender="X", owning_unit=unit),
            intervention=training,
            start=dt.date(2025, 2, 1),
            end=dt.date(2025, 3, 1) + dt.timedelta(days=n),
            exit="work",
        )
    for _ in range(6):
        EnrolmentFactory(
            participant=ParticipantFactory(gender="M", owning_unit=other_unit),
            intervention=internship,
            start=dt.date(2025, 9, 1),
        )
    return {"unit": unit, "other_unit": other_unit, "internship": internship, "training": training}


#: How many people the other unit holds once ``other_unit_of_ten`` has added to it: enough that
#: its perturbed count can never fall under the threshold and be hidden.
OTHER_UNIT_PEOPLE = 10


@pytest.fixture
def other_unit_of_ten(populated):
    """``populated`` with four more men in the other unit's internship, for the tests of a
    unit's own figures: six could be published as four (noise ±2) and so be hidden."""
    for _ in range(OTHER_UNIT_PEOPLE - 6):
        EnrolmentFactory(
            participant=ParticipantFactory(gender="M", owning_unit=populated["other_unit"]),
            intervention=populated["internship"],
            start=dt.date(2025, 9, 1),
        )
    return populated


#: The most a published count may lie from the register (``ETABLERA_NOISE_MAX``).
NOISE = 2


def near(value, true, within=NOISE) -> bool:
    """Whether a published ``value`` lies within ``within`` of the register's ``true`` one:
    cell-key perturbation moves a count by at most the noise (and which way depends on the
    records' keys, so on their ids, which differ between databases and runs)."""
    return value is not None and abs(float(value) - float(true)) <= within


@pytest.fixture
def next_release(monkeypatch):
    """Call to move on to a new month's release of preliminary figures (``frozen``): figures
    of open periods are kept for the month of their first publication."""
    from etablera.statistics import frozen

    months = iter(range(1, 100))
    original = frozen.release

    def advance() -> None:
        later = f"9{next(months):03d}-01"

        def release(final: bool, today) -> str:
            return original(final, today) and later  # final figures keep their release ""

        monkeypatch.setattr(frozen, "release", release)

    return advance
