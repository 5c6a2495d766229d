"""A realistic synthetic register for demos, tests and benchmarks (``etablera generate``).

The shape follows what a mid-sized Swedish municipality sees: arrival cohorts with the peaks
of 2015–2016 and 2022 (Ukraine), the countries of birth of those years, education levels
spread over all of SUN 2020, one to four interventions per person in a plausible order and
length, exit statuses that depend on the kind of intervention and the person's education, and
outcome observations 90/180/365 days after exit for most but not all ended enrolments (so the
"follow-ups due" list has work in it). Identity numbers come from the synthetic series (see
``synthetic.py`` and docs/register-synthetic.md); everything is written with bulk inserts.
"""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from etablera.organisation.models import Unit

from . import crypto
from .models import (
    EducationLevel,
    Enrolment,
    Funding,
    IdentityKind,
    Intervention,
    InterventionCategory,
    OutcomeObservation,
    Participant,
    StatusCategory,
)
from .signals import register_changed
from .status_defaults import ensure_default_status_categories
from .synthetic import FIRST_BIRTH, LAST_BIRTH, RESERVE_PREFIX, NumberPool

C = InterventionCategory

#: Arrival year → relative weight (Migrationsverket's municipal reception, in shape).
COHORTS = {
    2015: 9,
    2016: 14,
    2017: 10,
    2018: 7,
    2019: 5,
    2020: 3,
    2021: 3,
    2022: 9,
    2023: 7,
    2024: 5,
    2025: 4,
    2026: 3,
}
COUNTRIES = [
    ("SY", 26),
    ("AF", 14),
    ("ER", 10),
    ("SO", 8),
    ("UA", 14),
    ("IQ", 7),
    ("ET", 4),
    ("IR", 4),
    ("TR", 3),
    ("TH", 2),
    ("XX", 3),
    ("PS", 2),
    ("SD", 3),
]
EDUCATION = [
    (EducationLevel.PRIMARY_SHORT, 24),
    (EducationLevel.PRIMARY, 18),
    (EducationLevel.UPPER_SECONDARY, 26),
    (EducationLevel.POST_SECONDARY_SHORT, 10),
    (EducationLevel.POST_SECONDARY_LONG, 15),
    (EducationLevel.UNKNOWN, 7),
]
#: Names the synthetic people get, drawn by gender from a stream of their own (seeded from the
#: same seed), so adding them changed none of the other draws: a seed still gives the same
#: register it gave before names existed. Common names of the countries of birth above.
_WOMEN = (
    "Amina Fatima Olena Sara Hawa Leyla Maryam Iryna Zahra Yasmin Nour Selam Hodan Shirin "
    "Natalia Aisha Rahel Dunya"
)
_MEN = (
    "Omar Ahmad Yusuf Ali Mohammed Andrii Hassan Abdi Dawit Reza Karim Samir Taras Bilal "
    "Mustafa Yonas Farid Ibrahim"
)
_FAMILY = (
    "Haddad Karimi Tesfaye Kovalenko Hussein Nazari Abdullahi Shevchenko Al-Hassan Mohamud "
    "Rahimi Bondarenko Yilmaz Ahmadi Gebremedhin Jafari Osman Melnyk Khalil Warsame Hosseini "
    "Tkachenko Saleh Berhane"
)
GIVEN_NAMES = {"K": _WOMEN.split(), "M": _MEN.split()}
FAMILY_NAMES = _FAMILY.split()

#: Months an enrolment of each category typically lasts (min, max).
DURATION = {
    C.WORK_TRAINING: (3, 6),
    C.INTERNSHIP: (2, 4),
    C.SUBSIDISED_EMPLOYMENT: (6, 12),
    C.MUNICIPAL_EMPLOYMENT: (6, 12),
    C.VOCATIONAL_TRAINING: (5, 10),
    C.VOCATIONAL_SWEDISH: (4, 9),
    C.LANGUAGE_INTERNSHIP: (3, 6),
    C.GUIDANCE: (2, 6),
    C.CIVIC_ORIENTATION: (1, 3),
    C.SKILLS_MAPPING: (1, 2),
    C.OTHER: (2, 6),
}
#: The order people usually move through: early steps first, work-near steps later.
STAGE = {
    C.SKILLS_MAPPING: 0,
    C.CIVIC_ORIENTATION: 0,
    C.GUIDANCE: 1,
    C.LANGUAGE_INTERNSHIP: 1,
    C.VOCATIONAL_SWEDISH: 1,
    C.WORK_TRAINING: 2,
    C.INTERNSHIP: 2,
    C.OTHER: 2,
    C.VOCATIONAL_TRAINING: 3,
    C.MUNICIPAL_EMPLOYMENT: 3,
    C.SUBSIDISED_EMPLOYMENT: 3,
}
#: Exit status weights by stage (work, subsidised, studies, job seeking, other intervention,
#: sick, parental leave, moved, other, unknown).
EXIT_CODES = [
    "work",
    "subsidised_work",
    "studies",
    "job_seeking",
    "other_intervention",
    "sick",
    "parental_leave",
    "moved",
    "other",
    "unknown",
]
EXIT_WEIGHTS = {
    0: [4, 1, 6, 20, 52, 5, 4, 3, 2, 3],
    1: [9, 4, 14, 22, 34, 5, 4, 3, 2, 3],
    2: [18, 10, 10, 24, 22, 6, 4, 3, 1, 2],
    3: [34, 14, 9, 21, 8, 5, 4, 3, 1, 1],
}
DEFAULT_INTERVENTIONS = [
    ("KARTL", "Kompetenskartläggning", C.SKILLS_MAPPING, 40, 1200),
    ("SHO", "Samhällsorientering", C.CIVIC_ORIENTATION, 60, 900),
    ("COACH", "Jobbcoachning", C.GUIDANCE, 50, 2500),
    ("SPRAK", "Språkpraktik", C.LANGUAGE_INTERNSHIP, 30, 3200),
    ("YSV", "Yrkessvenska vård och omsorg", C.VOCATIONAL_SWEDISH, 25, 5200),
    ("ARBTR", "Arbetsträning Jobbcentrum", C.WORK_TRAINING, 35, 4800),
    ("PRAK", "Praktik i kommunal verksamhet", C.INTERNSHIP, 40, 3000),
    ("YRKUTB", "Yrkesutbildning lager och logistik", C.VOCATIONAL_TRAINING, 20, 9500),
    ("EXTRA", "Extratjänster", C.SUBSIDISED_EMPLOYMENT, 25, 7800),
    ("KOMVIS", "Kommunal visstidsanställning", C.MUNICIPAL_EMPLOYMENT, 20, 14500),
]


@dataclass
class Generated:
    participants: int
    enrolments: int
    observations: int


def _weighted(rng: random.Random, pairs):
    values, weights = zip(*pairs, strict=True)
    return rng.choices(values, weights=weights)[0]


def _months(day: dt.date, months: float) -> dt.date:
    return day + dt.timedelta(days=round(months * 30.44))


def ensure_interventions(unit: Unit, start: dt.date) -> list[Intervention]:
    """The interventions to enrol people in: those under ``unit``, or a default set."""
    existing = list(Intervention.objects.filter(provider_unit__path__startswith=unit.path))
    if existing:
        return existing
    created = []
    for code, name, category, capacity, cost in DEFAULT_INTERVENTIONS:
        intervention, _ = Intervention.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "provider_unit": unit,
                "capacity": capacity,
                "cost_per_participant_month": cost,
                "funding": Funding.MUNICIPAL,
                "start": start,
            },
        )
        created.append(intervention)
    return created


#: People written per round: bounds memory whatever the size asked for.
CHUNK = 5000
#: The most one run makes: the synthetic reserve numbers (``SYNT-0000001``), which take
#: everyone the number series cannot, have seven digits.
MAX_PARTICIPANTS = 9_999_999


@transaction.atomic
def generate(
    count: int,
    *,
    unit: Unit,
    seed: int = 1487,
    today: dt.date | None = None,
    units: list[Unit] | None = None,
    progress: Callable[[int], None] | None = None,
) -> Generated:
    """Add ``count`` synthetic participants with enrolments and outcomes, owned by ``unit``
    (or spread over ``units``).

    People are drawn and written in rounds of :data:`CHUNK`, so a million take no more memory
    than five thousand; each person's draws come from the one random stream in the same order
    as in one round, so a seed gives the same register whatever the round size.
    """
    ensure_default_status_categories()
    rng = random.Random(seed)
    today = today or timezone.localdate()
    statuses = {s.code: s.pk for s in StatusCategory.objects.all()}
    interventions = ensure_interventions(unit, dt.date(today.year - 11, 1, 1))
    by_stage: dict[int, list[Intervention]] = {}
    for intervention in interventions:
        stage = STAGE.get(InterventionCategory(intervention.category), 2)
        by_stage.setdefault(stage, []).append(intervention)
    draw = _Draw(
        rng=rng,
        names=random.Random(f"names:{seed}"),
        today=today,
        by_stage=by_stage,
        stages=sorted(by_stage),
        owners=units or [unit],
        keys=crypto.keys(),
        now=timezone.now(),
    )
    made = Generated(0, 0, 0)
    while made.participants < count:
        size = min(CHUNK, count - made.participants)
        chunk = _write(draw, size, statuses)
        made = Generated(
            made.participants + chunk.participants,
            made.enrolments + chunk.enrolments,
            made.observations + chunk.observations,
        )
        if progress is not None:
            progress(made.participants)
    return made


@dataclass
class _Draw:
    """What every round of :func:`generate` shares: the random stream and what is taken."""

    rng: random.Random
    names: random.Random
    today: dt.date
    by_stage: dict[int, list[Intervention]]
    stages: list[int]
    owners: list[Unit]
    keys: crypto.Keys
    now: dt.datetime
    pool: NumberPool | None = None
    taken: set[str] | None = None

    def number(self, birth_year: int, gender: str) -> tuple[str, str, str | None]:
        """``(kind, number, hash)`` of a number nobody in the register has yet."""
        if self.pool is None or self.taken is None:
            # Numbers and reserve numbers already in the register are not handed out again
            # (a second run adds people).
            existing = Participant.objects.values_list("identity_hash", "reserve_number")
            self.taken = {value for pair in existing for value in pair if value}
            reserves = [r for r in self.taken if r.startswith(RESERVE_PREFIX)]
            self.pool = NumberPool(self.rng, first_reserve=len(reserves) + 1)
        while True:
            kind, number = self.pool.take(birth_year, gender)
            key = number if kind == "reserve" else crypto.lookup_hash(number, self.keys)
            if key not in self.taken:
                self.taken.add(key)
                return kind, number, None if kind == "reserve" else key


def _person(draw: _Draw, number: tuple[str, str, str | None]) -> dict:
    kind, value, hashed = number
    if kind == "reserve":
        return {"identity_kind": IdentityKind.RESERVE, "reserve_number": value}
    return {
        "identity_kind": (
            IdentityKind.PERSONNUMMER if kind == "personnummer" else IdentityKind.SAMORDNINGSNUMMER
        ),
        "identity_encrypted": crypto.encrypt(value, draw.keys),
        "identity_hash": hashed,
        "masked_identity": f"{value[:8]}-****",
    }


def _write(draw: _Draw, count: int, statuses: dict[str, int]) -> Generated:
    """Draw and write ``count`` people with their enrolments and observations."""
    rng, today, now = draw.rng, draw.today, draw.now
    years = [y for y in COHORTS if y <= today.year]
    people: list[Participant] = []
    plans: list[list[tuple]] = []
    for _ in range(count):
        year = rng.choices(years, weights=[COHORTS[y] for y in years])[0]
        received = dt.date(year, 1, 1) + dt.timedelta(days=rng.randrange(365))
        if received > today:
            received = today - dt.timedelta(days=rng.randrange(30, 200))
        age = int(rng.triangular(18, 62, 29))
        gender = "M" if rng.random() < 0.53 else "K"
        birth_year = received.year - age
        number = draw.number(birth_year, gender)
        education = _weighted(rng, EDUCATION)
        programme = (today - received).days < 3 * 365 and rng.random() < 0.7
        people.append(
            Participant(
                **_person(draw, number),
                given_name=draw.names.choice(GIVEN_NAMES[gender]),
                family_name=draw.names.choice(FAMILY_NAMES),
                birth_year=min(max(birth_year, FIRST_BIRTH.year), LAST_BIRTH.year),
                gender=gender,
                country_of_birth=_weighted(rng, COUNTRIES),
                received_on=received,
                education_level=education,
                in_establishment_programme=programme,
                referred_by=_weighted(
                    rng,
                    [
                        ("employment_service", 45),
                        ("social_services", 40),
                        ("self", 10),
                        ("other", 5),
                    ],
                ),
                consent_to_follow_up=rng.random() < 0.85,
                owning_unit=rng.choice(draw.owners),
                created_at=now,
                updated_at=now,
            )
        )
        plans.append(_plan(rng, received, education, programme, draw.by_stage, draw.stages, today))

    Participant.objects.bulk_create(people, batch_size=2000)
    enrolments: list[Enrolment] = []
    outcomes: list[tuple[int, list[tuple[int, dt.date, str]]]] = []
    for person, plan in zip(people, plans, strict=True):
        for (
            intervention,
            start,
            planned,
            end,
            exit_code,
            livelihood,
            start_code,
            hours,
            obs,
        ) in plan:
            enrolments.append(
                Enrolment(
                    participant_id=person.pk,
                    intervention=intervention,
                    start=start,
                    planned_end=planned,
                    end=end,
                    status_at_start_id=statuses[start_code],
                    livelihood_at_start=livelihood,
                    exit_status_id=statuses[exit_code] if exit_code else None,
                    hours_per_week=hours,
                    created_at=now,
                    updated_at=now,
                )
            )
            outcomes.append((len(enrolments) - 1, obs))
    Enrolment.objects.bulk_create(enrolments, batch_size=2000)
    observations = [
        OutcomeObservation(
            enrolment_id=enrolments[index].pk,
            days_after_exit=days,
            observed_on=observed,
            status_id=statuses[code],
            created_at=now,
        )
        for index, points in outcomes
        for days, observed, code in points
    ]
    OutcomeObservation.objects.bulk_create(observations, batch_size=2000)
    register_changed.send(sender=Participant, participant_ids=[p.pk for p in people])
    return Generated(len(people), len(enrolments), len(observations))


def _plan(rng, received, education, programme, by_stage, stages, today):
    """One person's enrolments: (intervention, start, planned end, end, exit code,
    livelihood, status-at-start code, hours, observations)."""
    plan = []
    start = received + dt.timedelta(days=rng.randrange(20, 240))
    steps = rng.choices([1, 2, 3, 4], weights=[35, 35, 20, 10])[0]
    used: set[tuple[int, dt.date]] = set()
    skill = {
        "primary_short": -6,
        "primary": -3,
        "upper_secondary": 2,
        "post_secondary_short": 5,
        "post_secondary_long": 7,
        "unknown": -2,
    }[education]
    for step in range(steps):
        if start > today:
            break
        stage = stages[min(step, len(stages) - 1)]
        intervention = rng.choice(by_stage[stage])
        low, high = DURATION.get(intervention.category, (2, 6))
        months = rng.uniform(low, high)
        planned = _months(start, high)
        end = _months(start, months)
        exit_code = None
        if end > today:
            end = None
        else:
            weights = list(EXIT_WEIGHTS[min(stage, 3)])
            weights[0] = max(1, weights[0] + skill)
            weights[2] = max(1, weights[2] + skill // 2)
            exit_code = rng.choices(EXIT_CODES, weights=weights)[0]
        if (intervention.pk, start) in used:
            break
        used.add((intervention.pk, start))
        livelihood = (
            "establishment_benefit"
            if programme and step == 0
            else _weighted(
                rng,
                [
                    ("income_support", 55),
                    ("activity_benefit", 25),
                    ("none", 8),
                    ("wage", 2),
                    ("unknown", 10),
                ],
            )
        )
        start_code = (
            _weighted(
                rng,
                [
                    ("job_seeking", 60),
                    ("other_intervention", 22),
                    ("unknown", 10),
                    ("sick", 4),
                    ("parental_leave", 4),
                ],
            )
            if step == 0
            else "other_intervention"
        )
        hours = rng.choice([10, 20, 20, 25, 30, 40, 40])
        plan.append(
            (
                intervention,
                start,
                planned,
                end,
                exit_code,
                livelihood,
                start_code,
                hours,
                _observations(rng, end, exit_code, today),
            )
        )
        if end is None or exit_code not in ("other_intervention", "job_seeking"):
            break
        start = end + dt.timedelta(days=rng.randrange(1, 60))
    return plan


def _observations(rng, end, exit_code, today):
    if end is None:
        return []
    points = []
    status = exit_code
    for days in (90, 180, 365):
        due = end + dt.timedelta(days=days)
        if due > today:
            break
        recent = (today - due).days < 45
        if rng.random() > (0.35 if recent else 0.85):
            continue  # not yet followed up: shows in "Uppföljningar att göra" while recent
        if status in ("work", "subsidised_work", "studies"):
            status = status if rng.random() < 0.78 else rng.choice(["job_seeking", "work"])
        elif status in ("job_seeking", "other_intervention", "unknown", "other"):
            status = rng.choices(
                [
                    "work",
                    "subsidised_work",
                    "studies",
                    "job_seeking",
                    "other_intervention",
                    "unknown",
                ],
                weights=[18, 8, 8, 36, 22, 8],
            )[0]
        observed = min(due + dt.timedelta(days=rng.randrange(0, 21)), today)
        points.append((days, observed, status))
    return points
