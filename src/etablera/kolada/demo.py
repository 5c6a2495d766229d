"""Demo Kolada figures: example values in Kolada's shape, so the demo runs offline.

The KPI id and title are Kolada's (N00973, as pinned in docs/kolada.md); every value is made up
and labelled *Exempeltal* wherever it is shown. The comparison group is five neighbouring
municipalities (set by the organisation's demo) and the country (0000). Two example
municipality groups stand in for Kolada's list until a strategist fetches the real one.
"""

from __future__ import annotations

import datetime as dt
import random
from decimal import Decimal

from django.utils import timezone

from etablera.goals.models import Goal, Indicator, SourceKind, Target
from etablera.goals.services import save_indicator, save_target
from etablera.web.demo import DEMO_OPERATOR

from .models import COUNTRY, Area, Kpi, MunicipalityGroup, Value

ORDER = 55

N00973_TITLE = (
    "Andel som lämnat etableringsuppdraget och börjat arbeta eller studera (status efter 90 dagar)"
)
N00973_DESCRIPTION = (
    "Andel av de personer som lämnat Arbetsförmedlingens etableringsuppdrag under året som "
    "arbetade eller studerade 90 dagar efter avslut. (Sammanfattning för demonstrationen; "
    "Koladas egen beskrivning hämtas vid första synkroniseringen.)"
)

AREAS = {
    "1487": "Vänersborg",
    "1488": "Trollhättan",
    "1490": "Borås",
    "1492": "Åmål",
    "1494": "Lidköping",
    "1495": "Skara",
    COUNTRY: "Riket",
}

#: (code, level in 2015, yearly drift): made-up levels around the country's.
LEVELS = {
    "1487": (31.0, 1.1),
    "1488": (34.0, 0.9),
    "1490": (38.0, 0.8),
    "1492": (29.0, 1.3),
    "1494": (40.0, 0.6),
    "1495": (36.0, 0.7),
    COUNTRY: (37.0, 0.9),
}
YEARS = range(2015, 2025)

GROUPS = [
    (
        "EX-LIKNANDE-AM",
        "Liknande kommuner, arbetsmarknad (Vänersborg)",
        ["1488", "1490", "1492", "1494", "1495"],
    ),
    ("EX-FYRBODAL", "Fyrbodals kommuner", ["1487", "1488", "1492"]),
]

INDICATOR = "Andel som lämnat etableringsuppdraget och arbetar eller studerar efter 90 dagar"
GOALS = [
    "Fler nyanlända kvinnor och män blir självförsörjande",
]


def _values(rng: random.Random, fetched: dt.datetime) -> list[Value]:
    kpi_id = "N00973"
    rows = []
    for code, (level, drift) in LEVELS.items():
        for i, year in enumerate(YEARS):
            if code == "1492" and year == 2016:
                # Kolada keeps a row without a figure, with its status: shown as "saknas".
                rows.append(
                    Value(
                        kpi_id=kpi_id,
                        municipality=code,
                        year=year,
                        gender="T",
                        value=None,
                        status="Missing",
                        fetched_at=fetched,
                    )
                )
                continue
            dip = -6.0 if year == 2020 else 0.0  # the pandemic year
            total = level + drift * i + dip + rng.uniform(-2.0, 2.0)
            gap = 7.0 + rng.uniform(-2.0, 2.0)  # women lower than men, as in the real series
            for gender, value in (("T", total), ("K", total - gap / 2), ("M", total + gap / 2)):
                rows.append(
                    Value(
                        kpi_id=kpi_id,
                        municipality=code,
                        year=year,
                        gender=gender,
                        value=Decimal(f"{value:.1f}"),
                        count=1,
                        fetched_at=fetched,
                    )
                )
    return rows


def load(ctx) -> None:
    rng = random.Random(ctx.seed + 973)
    fetched = timezone.make_aware(dt.datetime(2025, 11, 20, 6, 0))
    for code, title in AREAS.items():
        Area.objects.update_or_create(code=code, defaults={"title": title})
    for group_id, title, members in GROUPS:
        MunicipalityGroup.objects.update_or_create(
            id=group_id,
            defaults={
                "title": title,
                "members": members,
                "is_example": True,
                "fetched_at": fetched,
            },
        )
    Kpi.objects.update_or_create(
        id="N00973",
        defaults={
            "title": N00973_TITLE,
            "accepted_title": N00973_TITLE,
            "description": N00973_DESCRIPTION,
            "operating_area": "Arbetsmarknad",
            "is_divided_by_gender": True,
            "is_example": True,
            "checked_at": fetched,
            "last_fetched_at": fetched,
        },
    )
    if not Value.objects.filter(kpi_id="N00973").exists():
        Value.objects.bulk_create(_values(rng, fetched))
    if not Indicator.objects.filter(name=INDICATOR).exists():
        indicator = save_indicator(
            Indicator(
                name=INDICATOR,
                definition=(
                    "Koladas nyckeltal N00973 för kommunen, bredvid jämförelsegruppen och riket. "
                    "I demon är värdena exempeltal."
                ),
                unit="percent",
                direction="higher",
                source=SourceKind.KOLADA,
                source_key="N00973",
                gender_breakdown=True,
            ),
            Goal.objects.filter(title__in=GOALS),
            actor=DEMO_OPERATOR,
        )
        for year, target in ((2024, Decimal("45")), (2025, Decimal("47")), (2026, Decimal("50"))):
            save_target(Target(indicator=indicator, year=year, value=target), actor=DEMO_OPERATOR)
