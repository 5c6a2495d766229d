"""Loading the demo data: each app's ``demo.py`` has ``ORDER`` and ``load(ctx)``.

Each app's loader runs once, in its own transaction, and is recorded in ``DemoLoad``; running
``etablera loaddemo`` again loads only what is missing, so it neither fails nor duplicates.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction

from etablera.accounts.policy import Operator

from .models import DemoLoad
from .plugins import contributions

#: Who the trail names for the demo's own writes (a demo user's are written as that user).
DEMO_OPERATOR = Operator("command:loaddemo")
DEMO_PASSWORD = "etablera-demo"  # noqa: S105 - printed to the user; demo accounts only


@dataclass
class DemoContext:
    """What loaders share: the random seed and a log function."""

    seed: int = 1487
    #: Tests load a small demo (fewer synthetic participants) to stay fast.
    small: bool = False
    log: Callable[[str], Any] = print
    extra: dict[str, Any] = field(default_factory=dict)


def loaders() -> list:
    modules = [m for m in contributions("demo") if hasattr(m, "load")]
    return sorted(modules, key=lambda m: getattr(m, "ORDER", 100))


def load_all(ctx: DemoContext | None = None) -> list[str]:
    """Run every loader not yet run; the names of those that ran."""
    ctx = ctx or DemoContext()
    ran = []
    done = set(DemoLoad.objects.values_list("name", flat=True))
    for module in loaders():
        name = module.__name__
        if name in done:
            continue
        started = time.monotonic()
        with transaction.atomic():
            module.load(ctx)
            DemoLoad.objects.create(name=name)
        ctx.log(f"  {name.split('.')[1]}: {time.monotonic() - started:.1f} s")
        ran.append(name)
    return ran


DEMO_USERS = [
    # username, first, last, title, role, body short name or None, unit name or None
    ("admin", "Alva", "Admin", "Systemförvaltare", "admin", None, None),
    (
        "strateg",
        "Sara",
        "Strateg",
        "Integrationsstrateg, kommunledningskontoret",
        "strategist",
        "KS",
        None,
    ),
    ("rapportor", "Rasmus", "Rapportör", "Nämndsekreterare, socialnämnden", "reporter", "SN", None),
    ("coach", "Cecilia", "Coach", "Arbetsmarknadscoach", "coach", None, "Arbetsmarknadsenheten"),
    ("lasare", "Lars", "Läsare", "Ledamot i kommunstyrelsen", "reader", None, None),
    ("revisor", "Rebecka", "Revisor", "Sakkunnigt biträde till revisorerna", "auditor", None, None),
]
