"""Demo organisation: Vänersborgs kommun (1487) with its bodies and units.

The structure is realistic but the data are fictitious, apart from the public audit.
"""

from __future__ import annotations

import datetime as dt

from etablera.web.demo import DEMO_OPERATOR

from .models import Body, BodyKind, Municipality, Unit, UnitKind
from .services import save_unit

ORDER = 10

BODIES = [
    (BodyKind.COUNCIL, "Kommunfullmäktige", "KF"),
    (BodyKind.EXECUTIVE_BOARD, "Kommunstyrelsen", "KS"),
    (BodyKind.COMMITTEE, "Socialnämnden", "SN"),
    (BodyKind.COMMITTEE, "Barn- och utbildningsnämnden", "BUN"),
    (BodyKind.COMMITTEE, "Kultur- och fritidsnämnden", "KFN"),
    (BodyKind.COMMITTEE, "Samhällsbyggnadsnämnden", "SBN"),
    (BodyKind.COMMITTEE, "Gymnasie- och vuxenutbildningsnämnden", "GVN"),
    (BodyKind.COMPANY, "AB Vänersborgsbostäder", "VBB"),
    (BodyKind.EXTERNAL_PARTNER, "Arbetsförmedlingen", "AF"),
    (BodyKind.EXTERNAL_PARTNER, "Västra Götalandsregionen", "VGR"),
    (BodyKind.EXTERNAL_PARTNER, "Samordningsförbundet Väst", "SFV"),
]

UNITS = {
    "KS": [("Kommunledningskontoret", [("Enheten för strategisk utveckling", [])])],
    "SN": [
        (
            "Socialförvaltningen",
            [
                ("Arbetsmarknadsenheten", [("Jobbcentrum", []), ("Språkpraktik", [])]),
                ("Försörjningsstödsenheten", []),
                ("Integrationsenheten", []),
            ],
        )
    ],
    "BUN": [("Barn- och utbildningsförvaltningen", [("Elevhälsan", [])])],
    "GVN": [("Utbildningsförvaltningen", [("Vuxenutbildningen", [("SFI", [])])])],
    "KFN": [("Kultur- och fritidsförvaltningen", [("Biblioteket", [])])],
    "SBN": [("Samhällsbyggnadsförvaltningen", [("Bostadsanpassning", [])])],
}


def _units(body: Body, tree, parent=None, depth=0) -> None:
    kinds = [UnitKind.DEPARTMENT, UnitKind.UNIT, UnitKind.TEAM]
    for name, children in tree:
        unit, created = Unit.objects.get_or_create(
            body=body, parent=parent, name=name, defaults={"kind": kinds[min(depth, 2)]}
        )
        if created or not unit.path:
            save_unit(unit, actor=DEMO_OPERATOR)
        _units(body, children, unit, depth + 1)


def load(ctx) -> None:
    municipality, _ = Municipality.objects.update_or_create(
        code="1487",
        defaults={
            "name": "Vänersborgs kommun",
            "comparison_group": ["1488", "1490", "1492", "1494", "1495"],
            "comparison_group_name": "Liknande kommuner i Västra Götaland (exempel)",
            "is_demo": True,
        },
    )
    for kind, name, short in BODIES:
        body, _ = Body.objects.get_or_create(
            municipality=municipality,
            short_name=short,
            defaults={"kind": kind, "name": name, "active_from": dt.date(2023, 1, 1)},
        )
        _units(body, UNITS.get(short, []))
