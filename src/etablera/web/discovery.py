"""Find the optional modules (rules, nav, demo, api) that each Etablera app may have.

Each domain app keeps its own access rules, navigation entries, demo data and API routes next
to its models; the project finds them here, so adding an app never means editing a central list.
"""

from __future__ import annotations

import importlib
import importlib.util
from types import ModuleType

from django.apps import apps


def import_app_module(app_name: str, module: str) -> ModuleType | None:
    """Import ``<app_name>.<module>`` if the app has one."""
    full = f"{app_name}.{module}"
    if importlib.util.find_spec(full) is None:
        return None
    return importlib.import_module(full)


def etablera_modules(module: str) -> list[ModuleType]:
    """The ``module`` of every installed Etablera app that has one, in INSTALLED_APPS order."""
    found = []
    for config in apps.get_app_configs():
        if config.name.startswith("etablera."):
            mod = import_app_module(config.name, module)
            if mod is not None:
                found.append(mod)
    return found
