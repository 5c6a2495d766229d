"""Demo register: the labour-market interventions of Vänersborg's social services, each
commissioned by a demo mandate where one exists (one deliberately without, so the governance
check has something to flag), and a year-round synthetic register of participants owned by
Arbetsmarknadsenheten (about 2,000; 150 in the small demo the tests load)."""

from __future__ import annotations

import datetime as dt

from django.apps import apps

from etablera.organisation.models import Unit

from .generator import generate
from .models import Funding, Intervention, InterventionCategory, Participant
from .status_defaults import ensure_default_status_categories

# Before goals and follow-up: periods closed by the follow-up demo keep the register figures
# they were closed with, so the register must be there first.
ORDER = 45
C = InterventionCategory

# code, name, category, unit, mandate title (None: deliberately none), funding, capacity, cost
INTERVENTIONS = [
    (
        "KARTL",
        "Kompetenskartläggning",
        C.SKILLS_MAPPING,
        "Arbetsmarknadsenheten",
        "Arbetsmarknadsinsatser för nyanlända",
        Funding.MUNICIPAL,
        40,
        1200,
    ),
    (
        "SHO",
        "Samhällsorientering för nyanlända",
        C.CIVIC_ORIENTATION,
        "Arbetsmarknadsenheten",
        None,
        Funding.MUNICIPAL,
        60,
        900,
    ),
    (
        "COACH",
        "Jobbcoachning",
        C.GUIDANCE,
        "Jobbcentrum",
        "Jobbcentrum – vägledning och matchning mot arbete",
        Funding.MUNICIPAL,
        50,
        2500,
    ),
    (
        "SPRAK",
        "Språkpraktik",
        C.LANGUAGE_INTERNSHIP,
        "Språkpraktik",
        "Språkpraktik för nyanlända",
        Funding.MUNICIPAL,
        30,
        3200,
    ),
    (
        "YSV",
        "Yrkessvenska vård och omsorg",
        C.VOCATIONAL_SWEDISH,
        "Språkpraktik",
        "Språkpraktik för nyanlända",
        Funding.ESF,
        25,
        5200,
    ),
    (
        "ARBTR",
        "Arbetsträning Jobbcentrum",
        C.WORK_TRAINING,
        "Jobbcentrum",
        "Arbetsmarknadsinsatser för nyanlända",
        Funding.MUNICIPAL,
        35,
        4800,
    ),
    (
        "PRAK",
        "Praktik i kommunal verksamhet",
        C.INTERNSHIP,
        "Arbetsmarknadsenheten",
        "Arbetsmarknadsinsatser för nyanlända",
        Funding.MUNICIPAL,
        40,
        3000,
    ),
    (
        "YRKUTB",
        "Yrkesutbildning lager och logistik",
        C.VOCATIONAL_TRAINING,
        "Arbetsmarknadsenheten",
        "Lokal överenskommelse med Arbetsförmedlingen",
        Funding.EMPLOYMENT_SERVICE,
        20,
        9500,
    ),
    (
        "EXTRA",
        "Extratjänster",
        C.SUBSIDISED_EMPLOYMENT,
        "Arbetsmarknadsenheten",
        "Kommunala extratjänster för nyanlända",
        Funding.EMPLOYMENT_SERVICE,
        25,
        7800,
    ),
    (
        "KOMVIS",
        "Kommunal visstidsanställning",
        C.MUNICIPAL_EMPLOYMENT,
        "Arbetsmarknadsenheten",
        "Arbetsmarknadsinsatser för nyanlända",
        Funding.MUNICIPAL,
        20,
        14500,
    ),
    (
        "STEGET",
        "Steget vidare – arbetslivsinriktad rehabilitering",
        C.OTHER,
        "Jobbcentrum",
        "Arbetslivsinriktad rehabilitering med Samordningsförbundet Väst",
        Funding.OTHER,
        15,
        6000,
    ),
]


def _mandate(title: str | None):
    if title is None or not apps.is_installed("etablera.mandates"):
        return None
    Mandate = apps.get_model("mandates", "Mandate")
    return Mandate.objects.filter(title=title).order_by("pk").first()


def load(ctx) -> None:
    ensure_default_status_categories()
    home = Unit.objects.get(name="Arbetsmarknadsenheten")
    units = {u.name: u for u in Unit.objects.filter(path__startswith=home.path)}
    for code, name, category, unit, mandate, funding, capacity, cost in INTERVENTIONS:
        Intervention.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "category": category,
                "provider_unit": units.get(unit, home),
                "commissioning_mandate": _mandate(mandate),
                "funding": funding,
                "capacity": capacity,
                "cost_per_participant_month": cost,
                "start": dt.date(2015, 1, 1),
            },
        )
    made = generate(150 if ctx.small else 2000, unit=home, seed=ctx.seed)
    _assign_demo_coach(home)
    ctx.log(
        f"    register: {made.participants} participants, {made.enrolments} enrolments, "
        f"{made.observations} observations"
    )


def _assign_demo_coach(home: Unit) -> None:
    """The demo coach works with every third participant, so "Mina deltagare" has people in
    it; the rest have no named coach, as after an import."""
    from django.contrib.auth import get_user_model

    coach = get_user_model().objects.filter(username="coach").first()
    if coach is None:
        return
    ids = Participant.objects.filter(
        owning_unit__path__startswith=home.path, responsible_coach__isnull=True
    ).values_list("pk", flat=True)
    chosen = [pk for pk in ids if pk % 3 == 0]
    for start in range(0, len(chosen), 900):
        Participant.objects.filter(pk__in=chosen[start : start + 900]).update(
            responsible_coach=coach
        )
