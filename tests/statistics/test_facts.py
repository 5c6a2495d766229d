"""The KPI engine's facts follow the register through every path that changes it.

After each change — a form's save, a deletion, an import (small or bulk), the generator — the
kept facts must equal facts built afresh from the register (``facts.differences() == 0``), and
the figures computed from them must follow.
"""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etablera.accounts.roles import Role
from etablera.goals.periods import resolve_period
from etablera.register import generator, services
from etablera.register.importing import engine
from etablera.register.models import Enrolment, OutcomeObservation, Participant
from etablera.statistics import facts, kpis, one_way
from etablera.statistics.kpis import municipality_scope
from etablera.statistics.models import EnrolmentFact
from tests.register.factories import next_number
from tests.register.test_import import do_import, encode, enrolment_rows, participant_rows

from .factories import EnrolmentFactory, InterventionFactory, ParticipantFactory, observe, status

YEAR = resolve_period("2025")
AS_OF = dt.date(2026, 1, 15)


def in_step() -> bool:
    return facts.differences() == 0


def active() -> int:
    return kpis.raw_figures(YEAR, municipality_scope(), as_of=AS_OF)[()].active


@pytest.fixture
def enrolment(db, unit):
    participant = ParticipantFactory(
        owning_unit=unit, gender="K", birth_year=1990, received_on=dt.date(2024, 3, 1)
    )
    return EnrolmentFactory(
        participant=participant,
        intervention=InterventionFactory(category="internship"),
        start=dt.date(2025, 2, 1),
        end=dt.date(2025, 5, 31),
        exit="work",
    )


def test_a_saved_enrolment_has_its_facts(enrolment):
    fact = EnrolmentFact.objects.get(enrolment=enrolment)
    assert fact.participant_id == enrolment.participant_id
    assert fact.unit_id == enrolment.participant.owning_unit_id
    assert fact.start_day == facts.day_number(dt.date(2025, 2, 1))
    assert fact.end_day - fact.start_day + 1 == 120
    assert fact.first_day == fact.start_day
    assert (fact.gender, fact.education) == ("K", enrolment.participant.education_level)
    # Under two years since reception, 35 at the start: the bands' bits.
    assert fact.reception == 1 << kpis.band_values("reception").index("0-2")
    assert fact.age == 1 << kpis.band_values("age").index("25-39")
    assert fact.exit_status_id == status("work").pk
    assert fact.status_90 is None
    assert in_step()


def test_every_change_through_the_services_is_followed(enrolment, make_user):
    user = make_user(Role.ADMIN)
    participant = enrolment.participant
    participant.gender = "M"
    participant.received_on = dt.date(2020, 1, 1)
    services.update_participant(participant, actor=user)
    fact = EnrolmentFact.objects.get(enrolment=enrolment)
    assert fact.gender == "M"
    assert fact.reception == 1 << kpis.band_values("reception").index("5+")

    earlier = Enrolment(
        participant=participant,
        intervention=enrolment.intervention,
        start=dt.date(2024, 6, 1),
        status_at_start=status("job_seeking"),
    )
    services.enrol(earlier, actor=user)
    # An earlier start makes the participant not new in 2025, in every one of their facts.
    assert set(EnrolmentFact.objects.values_list("first_day", flat=True)) == {
        facts.day_number(dt.date(2024, 6, 1))
    }
    assert in_step()

    services.end_enrolment(
        earlier, actor=user, end=dt.date(2024, 12, 31), exit_status=status("studies")
    )
    assert EnrolmentFact.objects.get(enrolment=earlier).exit_status_id == status("studies").pk
    services.record_observation(
        OutcomeObservation(
            enrolment=enrolment,
            days_after_exit=90,
            observed_on=dt.date(2025, 8, 29),
            status=status("work"),
        ),
        actor=user,
    )
    assert EnrolmentFact.objects.get(enrolment=enrolment).status_90 == status("work").pk
    assert in_step()


def test_deletions_take_their_facts_with_them(enrolment):
    other = EnrolmentFactory(
        participant=enrolment.participant,
        intervention=InterventionFactory(),
        start=dt.date(2023, 1, 1),
        end=dt.date(2023, 3, 1),
        exit="work",
    )
    observation = observe(enrolment, 90, "work")
    observation.delete()
    assert EnrolmentFact.objects.get(enrolment=enrolment).status_90 is None
    other.delete()
    # The remaining enrolment is the participant's first again.
    assert EnrolmentFact.objects.get(enrolment=enrolment).first_day == facts.day_number(
        dt.date(2025, 2, 1)
    )
    assert in_step()
    enrolment.participant.delete()
    assert not EnrolmentFact.objects.exists()
    assert in_step()


def test_a_single_change_costs_two_statements(enrolment):
    with CaptureQueriesContext(connection) as queries:
        facts.refresh([enrolment.participant_id])
    statements = [q["sql"] for q in queries if "SAVEPOINT" not in q["sql"]]
    # Delete the participant's facts and insert them anew; nothing per enrolment.
    assert [sql.split()[0] for sql in statements] == ["DELETE", "INSERT"]


@pytest.mark.parametrize("bulk", [False, True], ids=["small", "bulk"])
def test_imports_are_followed(unit, bulk, monkeypatch):
    if bulk:
        monkeypatch.setattr(engine, "BULK_ROWS", 1)
    InterventionFactory(code="PRAK", name="Praktik i kommunen")
    numbers = [next_number() for _ in range(3)]
    assert do_import("participants", encode(participant_rows(numbers)), unit).committed
    rows = enrolment_rows(numbers, start="2025-01-10", end="2025-04-30")
    assert do_import("enrolments", encode(rows), unit).committed
    assert EnrolmentFact.objects.count() == 3
    assert active() == 3
    assert in_step()
    # Changing the participants' reception date reaches their facts.
    changed = participant_rows(numbers)
    for row in changed[1:]:
        row[2] = "2019-05-05"
    assert do_import("participants", encode(changed), unit).committed
    five_plus = 1 << kpis.band_values("reception").index("5+")
    assert set(EnrolmentFact.objects.values_list("reception", flat=True)) == {five_plus}
    assert in_step()


def test_the_generator_is_followed(unit):
    made = generator.generate(30, unit=unit, today=dt.date(2026, 1, 1))
    assert EnrolmentFact.objects.count() == made.enrolments
    assert in_step()


def test_a_bulk_write_that_does_not_announce_itself_is_found_and_repaired(enrolment):
    Participant.objects.filter(pk=enrolment.participant_id).update(gender="X")
    assert facts.differences() == 1
    with pytest.raises(CommandError) as failed:
        call_command("rebuild_facts", "--check")
    assert failed.value.returncode == 1
    assert "The facts of 1 enrolment(s) differ from the register" in str(failed.value)
    out = StringIO()
    call_command("rebuild_facts", stdout=out)
    assert out.getvalue().startswith("Rebuilt the facts of 1 enrolment(s) in ")
    assert EnrolmentFact.objects.get(enrolment=enrolment).gender == "X"
    call_command("rebuild_facts", "--check", stdout=out)
    assert "The facts match the register" in out.getvalue()


def test_the_cached_statement_is_per_database(enrolment):
    """The single-participant statement is built once per database connection alias."""
    facts.refresh([enrolment.participant_id])
    assert connection.alias in facts._ONE
    assert in_step()


def test_a_value_outside_the_known_ones_still_gets_its_median(enrolment):
    """Histograms have a column per known education level; a participant whose level is
    none of them (an old code) is counted directly, so their group keeps its median."""
    participant = ParticipantFactory(owning_unit=enrolment.participant.owning_unit)
    Participant.objects.filter(pk=participant.pk).update(education_level="legacy_code")
    EnrolmentFactory(
        participant=Participant.objects.get(pk=participant.pk),
        intervention=enrolment.intervention,
        start=dt.date(2025, 3, 1),
        end=dt.date(2025, 3, 10),
        exit="work",
    )
    raw = kpis.raw_figures(YEAR, municipality_scope(), ("education",), as_of=AS_OF)
    assert raw[(("education", "legacy_code"),)].median == 10
    assert raw[(("education", enrolment.participant.education_level),)].median == 120
    assert in_step()


def test_interventions_far_apart_count_a_person_once_per_category(unit):
    """Intervention ids fall in bit sets of 62; a person in two interventions of one category
    whose ids lie in different bit sets still counts once in that category."""
    near = InterventionFactory(pk=7, category="internship")
    far = InterventionFactory(pk=7 + 2 * one_way.WORD, category="internship")
    other = InterventionFactory(pk=7 + 3 * one_way.WORD, category="guidance")
    person = ParticipantFactory(owning_unit=unit)
    for n, intervention in enumerate([near, far, other]):
        EnrolmentFactory(
            participant=person,
            intervention=intervention,
            start=dt.date(2025, 2, 1) + dt.timedelta(days=n),
            end=dt.date(2025, 4, 1),
            exit="work",
        )
    for grouping in [("category",), ("intervention",)]:
        raw = kpis.raw_figures(YEAR, municipality_scope(), grouping, as_of=AS_OF)
        assert raw == kpis.raw_from_register(YEAR, municipality_scope(), grouping, as_of=AS_OF)
    by_category = kpis.raw_figures(YEAR, municipality_scope(), ("category",), as_of=AS_OF)
    assert by_category[(("category", "internship"),)].active == 1
    assert by_category[(("category", "guidance"),)].active == 1
    assert kpis.raw_figures(YEAR, municipality_scope(), (), as_of=AS_OF)[()].active == 1
