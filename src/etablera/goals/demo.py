"""Demo goals and indicators for integration and labour-market work in Vänersborg.

A council goal per policy area with committee and activity goals below it, linked to the demo
mandates; manual indicators with values over several years (annual, interim and tertial
figures), indicators computed from the participant register (keys listed in docs/goals.md) and
targets per year. One committee goal has no owner, on purpose, for the governance check. All
figures are fictitious.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from etablera.goals.periods import parse_standard
from etablera.mandates.models import Mandate, PolicyArea
from etablera.organisation.models import Body
from etablera.web.demo import DEMO_OPERATOR

from .models import Gender, Goal, GoalLevel, Indicator, IndicatorValue, SourceKind, Target
from .services import save_goal, save_indicator, save_target

ORDER = 50

C, N, A = GoalLevel.COUNCIL, GoalLevel.COMMITTEE, GoalLevel.ACTIVITY
VALID_FROM, VALID_TO = dt.date(2023, 1, 1), dt.date(2026, 12, 31)

# key: (title, level, parent key, owner, policy area code, mandate titles, description)
GOALS = {
    "kf-arbete": (
        "Fler nyanlända kvinnor och män blir självförsörjande",
        C,
        None,
        "KF",
        "arbetsmarknad",
        [],
        "Kommunfullmäktiges mål för mandatperioden 2023–2026.",
    ),
    "kf-start": (
        "Alla nyanlända får en trygg och samordnad start i kommunen",
        C,
        None,
        "KF",
        "integration",
        [],
        "Mottagande, bosättning och samhällsorientering ska hänga ihop.",
    ),
    "kf-delaktighet": (
        "Nyanlända är delaktiga i samhällslivet",
        C,
        None,
        "KF",
        "social-inkludering",
        [],
        "Delaktighet i föreningsliv, kultur och det demokratiska samtalet.",
    ),
    "sn-arbete": (
        "Fler deltagare i arbetsmarknadsinsatser går vidare till arbete eller studier",
        N,
        "kf-arbete",
        "SN",
        "arbetsmarknad",
        [
            "Arbetsmarknadsinsatser för nyanlända",
            "Språkpraktik för nyanlända",
            "Kommunala extratjänster för nyanlända",
            "Jobbcentrum – vägledning och matchning mot arbete",
        ],
        "Socialnämndens mål för arbetsmarknadsenheten.",
    ),
    "sn-bistand": (
        "Kortare tid med ekonomiskt bistånd för nyanlända hushåll",
        N,
        "kf-arbete",
        "SN",
        "arbetsmarknad",
        ["Arbetsmarknadsinsatser för nyanlända"],
        "",
    ),
    "sn-plan": (
        "Varje deltagare har en individuell plan inom 30 dagar",
        A,
        "sn-arbete",
        "SN",
        "arbetsmarknad",
        ["Arbetsmarknadsinsatser för nyanlända"],
        "Verksamhetsmål för arbetsmarknadsenheten.",
    ),
    "gvn-sfi": (
        "Fler elever klarar SFI inom planerad tid",
        N,
        "kf-arbete",
        "GVN",
        "utbildning",
        ["Utbildning i svenska för invandrare (SFI)", "Yrkesvux med yrkessvenska"],
        "",
    ),
    "ks-uppfoljning": (
        "Integrationsarbetet följs upp samordnat i alla nämnder",
        N,
        "kf-start",
        "KS",
        "integration",
        [
            "Strategisk samordning av kommunens integrationsarbete",
            "Plattform för integrationssamverkan – samordning, uppdatering och uppföljning",
        ],
        "Svar på revisionens rekommendationer om styrning och uppföljning.",
    ),
    "kfn-delaktighet": (
        "Fler nyanlända deltar i kultur- och fritidsaktiviteter",
        N,
        "kf-delaktighet",
        "KFN",
        "social-inkludering",
        ["Språkcaféer och digital delaktighet på biblioteket"],
        "",
    ),
    "bostad-trangboddhet": (
        "Minskad trångboddhet bland nyanlända hushåll",
        N,
        "kf-start",
        None,  # deliberate gap: no body owns this goal
        "bostad",
        ["Bostäder för nyanlända enligt ägardirektiv"],
        "Målet saknar ägare sedan omorganisationen 2024.",
    ),
}

# (name, unit, direction, source, key, gender breakdown, goal keys, definition,
#  base value, yearly change, targets 2024–2026)
INDICATORS = [
    (
        "Andel deltagare som gått till arbete eller studier vid avslut",
        "percent",
        "higher",
        SourceKind.REGISTER,
        "exit_work_or_studies_share",
        True,
        ["sn-arbete", "kf-arbete"],
        "Andel av avslutade insatsdeltaganden under perioden där deltagaren vid avslut gick "
        "till arbete (osubventionerat eller subventionerat) eller studier med studiemedel. "
        "Beräknas ur deltagarregistret i linje med Koladas nyckeltal.",
        None,
        None,
        (35, 38, 40),
    ),
    (
        "Andel deltagare som gått till osubventionerat arbete vid avslut",
        "percent",
        "higher",
        SourceKind.REGISTER,
        "exit_unsubsidised_work_share",
        True,
        ["sn-arbete"],
        "Andel av avslutade deltaganden med osubventionerat arbete (inklusive eget företag) vid "
        "avslut.",
        None,
        None,
        (15, 17, 20),
    ),
    (
        "Aktiva deltagare i arbetsmarknadsinsatser",
        "count",
        "higher",
        SourceKind.REGISTER,
        "active_participants",
        True,
        ["sn-arbete"],
        "Antal personer med minst ett pågående deltagande under perioden.",
        None,
        None,
        (),
    ),
    (
        "Nya deltagare i arbetsmarknadsinsatser",
        "count",
        "higher",
        SourceKind.REGISTER,
        "new_participants",
        False,
        ["sn-arbete"],
        "Antal personer vars första deltagande började under perioden.",
        None,
        None,
        (),
    ),
    (
        "Andel i arbete eller studier 90 dagar efter avslut",
        "percent",
        "higher",
        SourceKind.REGISTER,
        "work_or_studies_after_90_share",
        True,
        ["sn-arbete", "kf-arbete"],
        "Andel av de uppföljda deltagarna som var i arbete eller studier 90 dagar efter avslut.",
        None,
        None,
        (40, 42, 45),
    ),
    (
        "Mediantid i insats (dagar)",
        "days",
        "lower",
        SourceKind.REGISTER,
        "median_days_in_intervention",
        False,
        ["sn-arbete"],
        "Median av antal dagar från start till avslut för deltaganden som avslutades under "
        "perioden.",
        None,
        None,
        (),
    ),
    (
        "Kostnad per avslut till arbete eller studier",
        "sek",
        "lower",
        SourceKind.REGISTER,
        "cost_per_exit_work_or_studies",
        False,
        ["sn-arbete"],
        "Insatsernas kostnad under perioden delad med antalet avslut till arbete eller studier.",
        None,
        None,
        (),
    ),
    (
        "Andel deltagare med individuell plan inom 30 dagar",
        "percent",
        "higher",
        SourceKind.MANUAL,
        "",
        True,
        ["sn-plan"],
        "Andel nya deltagare som fått en dokumenterad individuell plan inom 30 dagar från "
        "start. Rapporteras av arbetsmarknadsenheten.",
        Decimal("62"),
        Decimal("6"),
        (75, 85, 95),
    ),
    (
        "Genomsnittligt antal dagar med ekonomiskt bistånd, nyanlända hushåll",
        "days",
        "lower",
        SourceKind.MANUAL,
        "",
        False,
        ["sn-bistand"],
        "Genomsnittligt antal dagar med utbetalt ekonomiskt bistånd under året för hushåll "
        "där någon vuxen är nyanländ.",
        Decimal("240"),
        Decimal("-12"),
        (220, 210, 200),
    ),
    (
        "Utbetalt ekonomiskt bistånd till nyanlända hushåll",
        "sek",
        "lower",
        SourceKind.MANUAL,
        "",
        False,
        ["sn-bistand"],
        "Summa utbetalt ekonomiskt bistånd under perioden till hushåll där någon vuxen är "
        "nyanländ.",
        Decimal("18400000"),
        Decimal("-900000"),
        (),
    ),
    (
        "Andel SFI-elever som klarat kurs D inom ett år",
        "percent",
        "higher",
        SourceKind.MANUAL,
        "",
        True,
        ["gvn-sfi"],
        "Andel av eleverna som började kurs D som klarade kursen inom ett år.",
        Decimal("48"),
        Decimal("3"),
        (52, 55, 58),
    ),
    (
        "Andel nämnder som lämnat sin uppföljning i tid",
        "percent",
        "higher",
        SourceKind.MANUAL,
        "",
        False,
        ["ks-uppfoljning"],
        "Andel av nämnderna som lämnat in sin uppföljningsrapport senast sista dag.",
        Decimal("60"),
        Decimal("12"),
        (80, 90, 100),
    ),
    (
        "Besök på språkcaféer",
        "count",
        "higher",
        SourceKind.MANUAL,
        "",
        False,
        ["kfn-delaktighet"],
        "Antal besök på bibliotekens språkcaféer under perioden.",
        Decimal("900"),
        Decimal("150"),
        (1100, 1200, 1300),
    ),
]

#: Periods that get manual values: annual 2023–2025, interim 2024–2026, tertials 2025–2026.
VALUE_CODES = [
    "2023H",
    "2024H",
    "2025H",
    "2024D",
    "2025D",
    "2026D",
    "2025T1",
    "2025T2",
    "2025T3",
    "2026T1",
    "2026T2",
]


def _share(code: str) -> Decimal:
    """How much of a yearly total a period carries (for counts and amounts)."""
    if code.endswith("H"):
        return Decimal(1)
    if code.endswith("D"):
        return Decimal("0.667")
    return Decimal("0.333")


def _value(unit: str, base: Decimal, change: Decimal, code: str, rng: random.Random) -> Decimal:
    standard = parse_standard(code)
    assert standard is not None
    years = standard.year - 2023
    level = base + change * years + Decimal(str(round(rng.uniform(-2, 2), 1)))
    if unit in ("count", "sek"):
        level = (level * _share(code)).quantize(Decimal(1))
    if unit == "percent":
        level = min(max(level, Decimal(0)), Decimal(100))
    return level.quantize(Decimal("0.1"))


def load(ctx) -> None:
    rng = random.Random(ctx.seed + 50)
    bodies = {b.short_name: b for b in Body.objects.all()}
    areas = {a.code: a for a in PolicyArea.objects.all()}
    goals: dict[str, Goal] = {}
    for key, (title, level, parent, owner, area, mandate_titles, description) in GOALS.items():
        goal = Goal.objects.filter(title=title).first()
        if goal is None:
            goal = save_goal(
                Goal(
                    title=title,
                    description=description,
                    level=level,
                    parent=goals.get(parent) if parent else None,
                    owner=bodies.get(owner) if owner else None,
                    policy_area=areas[area],
                    valid_from=VALID_FROM,
                    valid_to=VALID_TO,
                ),
                Mandate.objects.filter(title__in=mandate_titles),
                actor=DEMO_OPERATOR,
            )
        goals[key] = goal
    values = 0
    for (
        name,
        unit,
        direction,
        source,
        key,
        breakdown,
        goal_keys,
        definition,
        base,
        change,
        targets,
    ) in INDICATORS:
        indicator = Indicator.objects.filter(name=name).first()
        if indicator is None:
            indicator = save_indicator(
                Indicator(
                    name=name,
                    definition=definition,
                    unit=unit,
                    direction=direction,
                    source=source,
                    source_key=key,
                    gender_breakdown=breakdown,
                ),
                [goals[k] for k in goal_keys],
                actor=DEMO_OPERATOR,
            )
        for year, target in zip((2024, 2025, 2026), targets, strict=False):
            if not Target.objects.filter(indicator=indicator, year=year, gender="T").exists():
                save_target(
                    Target(indicator=indicator, year=year, gender="T", value=target),
                    actor=DEMO_OPERATOR,
                )
        if base is None:
            continue
        rows = []
        for code in VALUE_CODES:
            standard = parse_standard(code)
            assert standard is not None
            total = _value(unit, base, change or Decimal(0), code, rng)
            genders = {Gender.TOTAL: total}
            if breakdown:
                spread = Decimal(str(round(rng.uniform(2, 6), 1)))
                genders[Gender.WOMEN] = max(total - spread, Decimal(0))
                genders[Gender.MEN] = min(total + spread, Decimal(100))
            for gender, value in genders.items():
                rows.append(
                    IndicatorValue(
                        indicator=indicator,
                        start=standard.start,
                        end=standard.end,
                        gender=gender,
                        value=value,
                        source=SourceKind.MANUAL,
                        comment="",
                    )
                )
        existing = set(
            IndicatorValue.objects.filter(indicator=indicator).values_list("start", "end", "gender")
        )
        new = [r for r in rows if (r.start, r.end, r.gender) not in existing]
        for row in new:
            row.full_clean(validate_unique=False)
        IndicatorValue.objects.bulk_create(new)
        values += len(new)
    ctx.log(f"    {len(GOALS)} goals, {len(INDICATORS)} indicators, {values} values")
