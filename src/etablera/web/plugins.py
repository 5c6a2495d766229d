"""How an app contributes to the rest of Etablera: one contract, one registry, loaded once.

An Etablera app contributes by having a module of a hook's name next to its models. At start-up
(``WebConfig.ready``) :func:`load` imports, for every installed ``etablera.*`` app in
``INSTALLED_APPS`` order, each of the modules below that it has — once. Code that uses a hook
asks :func:`contributions` for the modules; an app above never needs to be imported by name
from below, so the apps' layers hold (``[tool.importlinter]`` in ``pyproject.toml``).

=====================  ===================  ==================================================
Hook (module)          Protocol             What it contributes
=====================  ===================  ==================================================
``rules``              :class:`Rules`       access rules (``policy.allow``/``policy.anchor``)
``nav``                :class:`Navigation`  menu entries, each guarded by a policy action
``home``               :class:`StartPage`   panels on the start page
``report_sections``    :class:`ReportPart`  parts of the consolidated report, and tables
                                            under its entries
``mandate_parts``      :class:`MandatePart` parts of a mandate's page from the apps above
``governance_rules``   :class:`GovernanceRules`  governance check rules (``@registry.rule``)
``sources``            :class:`ValueSources`  indicator value sources (``register_source``)
``demo``               :class:`DemoPart`    the app's share of the demo data
``api``                :class:`ApiRoutes`   viewsets on the shared API router
``jobs``               :class:`JobKinds`    kinds of background job (``jobs.registry``)
``server``             :class:`Companion`   what starts beside the web server (the
                                            embedded job worker)
``counts``             :class:`Counts`      participant counts shown beside records below
                                            the statistics (an intervention's "now"), under
                                            the statistics' protection
=====================  ===================  ==================================================

Modules that only register (``rules``, ``governance_rules``, ``sources``, ``api``, ``jobs``) do
their work when imported; the others are asked through the functions their Protocol names.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Sequence
from types import ModuleType
from typing import Any, Protocol

from django.apps import apps


class Rules(Protocol):
    """``rules.py``: calls ``policy.allow(...)`` and ``policy.anchor(...)`` when imported."""


class Navigation(Protocol):
    """``nav.py``: the app's menu entries (``web.navigation.NavItem``), shown to those whose
    roles allow the entry's action."""

    ITEMS: Sequence[Any]


class StartPage(Protocol):
    """``home.py``: panels for the start page, each a dict with the ``template`` to include
    and its context; an empty list when the user has nothing here.

    It may also define ``waiting(request) -> list[dict]``: what waits for the user to act on,
    each item a dict with ``count``, ``text`` (the words after the count, agreeing with it),
    ``url`` and ``order``; the start page gathers every app's items in one "Waiting for you"
    panel, counts of zero included (a strategist likes to see that nothing waits)."""

    def panels(self, request: Any) -> list[dict]: ...


class ReportPart(Protocol):
    """``report_sections.py``: see ``followup.consolidated`` for the full contract. Either
    function may be left out."""

    def sections(self, period: Any, user: Any) -> list[Any]: ...

    def entry_extras(self, period: Any, entries: list[Any], user: Any) -> dict[int, list[Any]]: ...


class MandatePart(Protocol):
    """``mandate_parts.py``: HTML fragments for a mandate's page, as ``request.user`` may see
    them (e.g. the outcomes of the interventions it commissions)."""

    def parts(self, request: Any, mandate: Any) -> list[str]: ...


class GovernanceRules(Protocol):
    """``governance_rules.py``: functions registered with ``governance.registry.rule`` when
    imported; each yields the findings of one gap in steering or follow-up."""


class ValueSources(Protocol):
    """``sources.py``: calls ``goals.sources.register_source(kind, provider)`` when imported;
    a provider follows ``goals.sources.ValueProvider``."""


class DemoPart(Protocol):
    """``demo.py``: the app's demo data, loaded once in ``ORDER`` (``web.demo``)."""

    ORDER: int

    def load(self, ctx: Any) -> None: ...


class ApiRoutes(Protocol):
    """``api.py``: registers its viewsets on ``web.api.router`` when imported."""


class JobKinds(Protocol):
    """``jobs.py``: registers the app's kinds of background job with ``jobs.registry`` when
    imported (e.g. the register's large imports)."""


class Companion(Protocol):
    """``server.py``: started by ``etablera serve`` and ``etablera demo`` before they serve."""

    def start(self) -> None: ...


class Counts(Protocol):
    """``counts.py``: how a participant count is shown outside the KPI tables. The register
    lists interventions with how many take part now; whether that count is exact, perturbed or
    hidden is the statistics' decision (disclosure control), so the register asks this hook
    instead of importing the app above it."""

    def protect(self, user: Any, objects: Any, today: Any = None) -> None: ...

    def note(self, user: Any) -> str: ...


#: Every hook, in the order they are loaded (the access rules first: the others may ask them).
HOOKS: dict[str, type] = {
    "rules": Rules,
    "sources": ValueSources,
    "governance_rules": GovernanceRules,
    "nav": Navigation,
    "home": StartPage,
    "report_sections": ReportPart,
    "mandate_parts": MandatePart,
    "demo": DemoPart,
    "api": ApiRoutes,
    "jobs": JobKinds,
    "server": Companion,
    "counts": Counts,
}

_loaded: dict[str, list[ModuleType]] = {}


def _import(app_name: str, module: str) -> ModuleType | None:
    full = f"{app_name}.{module}"
    if importlib.util.find_spec(full) is None:
        return None
    return importlib.import_module(full)


def load() -> None:
    """Import every app's hook modules, once (called from ``WebConfig.ready``)."""
    if _loaded:
        return
    names = [c.name for c in apps.get_app_configs() if c.name.startswith("etablera.")]
    found = {
        hook: [m for name in names if (m := _import(name, hook)) is not None] for hook in HOOKS
    }
    _loaded.update(found)


def contributions(hook: str) -> list[ModuleType]:
    """The modules contributing to ``hook``, in ``INSTALLED_APPS`` order."""
    if hook not in HOOKS:
        raise KeyError(f"No plugin hook named {hook!r}; see etablera.web.plugins.HOOKS")
    load()
    return _loaded[hook]
