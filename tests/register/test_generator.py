"""The synthetic register: plausible shape, synthetic numbers only, the demo, the command."""

from __future__ import annotations

import datetime as dt
import io
import random
from collections import Counter

import pytest
from django.core.management import CommandError, call_command

from etablera.register import crypto, identity
from etablera.register.generator import generate
from etablera.register.models import Enrolment, Intervention, OutcomeObservation, Participant
from etablera.register.synthetic import SERIES, NumberPool, is_synthetic

TODAY = dt.date(2026, 6, 15)


def test_generated_register_is_plausible(coach_unit):
    made = generate(300, unit=coach_unit, seed=7, today=TODAY)
    assert made.participants == Participant.objects.count() == 300
    assert Enrolment.objects.count() == made.enrolments >= 300
    assert OutcomeObservation.objects.count() == made.observations > 0
    assert Intervention.objects.filter(provider_unit=coach_unit).count() == 10
    for participant in Participant.objects.all():
        number = crypto.decrypt(participant.identity_encrypted)
        assert is_synthetic(number)
        assert participant.identity_hash == crypto.lookup_hash(number)
        assert participant.received_on <= TODAY
    genders = Counter(Participant.objects.values_list("gender", flat=True))
    assert genders["K"] > 90 and genders["M"] > 90
    for enrolment in Enrolment.objects.select_related("participant"):
        assert enrolment.start >= enrolment.participant.received_on
        assert enrolment.end is None or enrolment.start <= enrolment.end <= TODAY
        assert (enrolment.end is None) == (enrolment.exit_status_id is None)
    exits = Counter(
        Enrolment.objects.exclude(exit_status=None).values_list("exit_status__code", flat=True)
    )
    assert exits["work"] > 0 and exits["job_seeking"] > 0 and exits["other_intervention"] > 0
    for observation in OutcomeObservation.objects.select_related("enrolment"):
        assert (
            observation.observed_on
            >= observation.enrolment.end + dt.timedelta(days=observation.days_after_exit)
            or observation.observed_on == TODAY
        )


def test_the_same_seed_gives_the_same_register(coach_unit, other_unit):
    generate(40, unit=coach_unit, seed=3, today=TODAY)
    first = sorted(Participant.objects.values_list("birth_year", "gender", "received_on"))
    Participant.objects.all().delete()
    generate(40, unit=coach_unit, seed=3, today=TODAY)
    assert sorted(Participant.objects.values_list("birth_year", "gender", "received_on")) == first


def test_rounds_do_not_change_the_register(coach_unit, monkeypatch):
    generate(45, unit=coach_unit, seed=9, today=TODAY)
    first = sorted(
        Participant.objects.values_list("identity_hash", "birth_year", "gender", "received_on")
    )
    enrolments = sorted(Enrolment.objects.values_list("start", "end", "intervention__code"))
    Participant.objects.all().delete()
    monkeypatch.setattr("etablera.register.generator.CHUNK", 7)
    generate(45, unit=coach_unit, seed=9, today=TODAY)
    assert (
        sorted(
            Participant.objects.values_list("identity_hash", "birth_year", "gender", "received_on")
        )
        == first
    )
    assert sorted(Enrolment.objects.values_list("start", "end", "intervention__code")) == (
        enrolments
    )


def test_a_full_birth_year_goes_on_with_coordination_then_reserve_numbers():
    pool = NumberPool(random.Random(1))
    per_kind = 365 * len(SERIES) // 2  # 1990 is no leap year; men take the odd half
    taken = [pool.take(1990, "M") for _ in range(2 * per_kind + 3)]
    kinds = Counter(kind for kind, _ in taken)
    assert kinds == {"personnummer": per_kind, "samordningsnummer": per_kind, "reserve": 3}
    numbers = [number for _, number in taken]
    assert len(set(numbers)) == len(numbers)
    for kind, number in taken:
        if kind == "reserve":
            assert identity.normalise_reserve_number(number) == number
            continue
        parsed = identity.parse(number)
        assert parsed.kind == kind and parsed.birth_year == 1990 and parsed.gender == "M"
        assert is_synthetic(number)


def test_a_second_run_adds_people_without_clashing(coach_unit):
    generate(50, unit=coach_unit, seed=1, today=TODAY)
    generate(50, unit=coach_unit, seed=1, today=TODAY)
    assert Participant.objects.count() == 100


def test_the_command_refuses_a_real_register(coach_unit, municipality):
    with pytest.raises(CommandError):
        call_command("generate", "--participants", "5", "--unit", str(coach_unit.pk))
    municipality.is_demo = True
    municipality.save()
    call_command("generate", "--participants", "5", "--unit", str(coach_unit.pk))
    assert Participant.objects.count() == 5


@pytest.mark.parametrize("size", ["0", "10000000"])
def test_the_command_refuses_a_size_it_cannot_make_in_one_line(coach_unit, municipality, size):
    municipality.is_demo = True
    municipality.save()
    with pytest.raises(CommandError) as refused:
        call_command("generate", "--participants", size, "--unit", str(coach_unit.pk))
    assert str(refused.value) == "--participants must be from 1 to 9,999,999"
    assert not Participant.objects.exists()


def test_the_small_demo_links_interventions_to_mandates(db):
    call_command("loaddemo", small=True, quiet_users=True, stdout=io.StringIO())
    assert Participant.objects.count() == 150
    assert Participant.objects.filter(owning_unit__name="Arbetsmarknadsenheten").count() == 150
    without = Intervention.objects.filter(commissioning_mandate__isnull=True)
    assert list(without.values_list("code", flat=True)) == ["SHO"]
    assert Intervention.objects.filter(code="EXTRA").get().commissioning_mandate.title == (
        "Kommunala extratjänster för nyanlända"
    )
