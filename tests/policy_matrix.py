"""The policy matrix: every registered action × every role × an object inside and outside scope.

Each app declares its cases in ``tests/<app>/policy_cases.py`` as ``CASES = {action: Case}``.
The matrix test fails if any registered action has no case, so no rule goes untested.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from etablera.accounts.roles import Role
from etablera.organisation.models import Body, Unit

ALL = "all"  # may act on objects anywhere in the municipality
SCOPED = "scoped"  # only inside the role assignment's body or unit
NONE = "none"  # never


@dataclass
class Case:
    """``build(body, unit)`` makes an object that sits in ``body``/``unit`` (``unit`` is under
    ``body``); ``expect`` maps each role to ALL, SCOPED or NONE (missing roles: NONE)."""

    build: Callable[[Body, Unit], models.Model | None]
    expect: dict[Role, str] = field(default_factory=dict)
    #: Roles whose assignment in the test is scoped to the unit rather than the body.
    unit_roles: frozenset[Role] = frozenset({Role.COACH})


def all_cases() -> dict[str, Case]:
    import tests

    cases: dict[str, Case] = {}
    for info in pkgutil.iter_modules(tests.__path__):
        if not info.ispkg:
            continue
        try:
            module = importlib.import_module(f"tests.{info.name}.policy_cases")
        except ModuleNotFoundError:
            continue
        cases.update(module.CASES)
    return cases
