"""Every service takes its actor keyword-only, and the change trail names that actor."""

from __future__ import annotations

import importlib
import inspect

import pytest
from auditlog.models import LogEntry
from django.apps import apps

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.accounts.trail import acting
from etablera.mandates import services as mandate_services
from etablera.mandates.models import PolicyArea

pytestmark = pytest.mark.django_db

#: Public functions of a services module that write nothing: parsers, checks and reads.
WRITES_NOTHING = {
    "etablera.accounts.services": {"check_grant"},
    "etablera.audits.services": {"bodies_in_scope"},
    "etablera.jobs.services": {"execute", "recover_abandoned", "worker_name"},
    "etablera.kolada.services": {
        "comparison_codes",
        "default_years",
        "indicator_kpis",
        "parse_kpi_ids",
        "parse_years",
        "refresh_catalogue",
        "search_kolada",
        "summary_line",
    },
    "etablera.register.services": {"find_clashes", "set_identity"},
}


def _services_modules():
    for config in apps.get_app_configs():
        if config.name.startswith("etablera."):
            try:
                yield importlib.import_module(f"{config.name}.services")
            except ModuleNotFoundError:
                continue


def test_every_service_takes_its_actor_keyword_only_and_names_it_in_the_trail():
    checked = []
    for module in _services_modules():
        exempt = WRITES_NOTHING.get(module.__name__, set())
        for name, function in vars(module).items():
            if (
                name.startswith("_")
                or name in exempt
                or not inspect.isfunction(function)
                or function.__module__ != module.__name__
            ):
                continue
            parameters = inspect.signature(function).parameters
            where = f"{module.__name__}.{name}"
            assert "actor" in parameters, f"{where} does not take the acting user"
            assert parameters["actor"].kind is inspect.Parameter.KEYWORD_ONLY, where
            assert parameters["actor"].default is inspect.Parameter.empty, where
            assert getattr(function, "records_actor", False), f"{where} lacks @records_actor"
            checked.append(where)
    assert len(checked) > 60


def _last_entry(obj) -> LogEntry:
    return LogEntry.objects.get_for_object(obj).order_by("-pk").first()


def test_a_user_acting_outside_a_request_is_named_in_the_trail(make_user):
    user = make_user(Role.STRATEGIST)
    area = mandate_services.create_policy_area(name="Arbete", actor=user)
    entry = _last_entry(area)
    assert entry.actor == user
    assert not (entry.additional_data or {}).get("operator")


def test_an_operator_is_named_in_the_trail_by_its_name(db):
    area = mandate_services.create_policy_area(name="Språk", actor=Operator("command:test"))
    entry = _last_entry(area)
    assert entry.actor is None
    assert entry.additional_data["operator"] == "command:test"


def test_the_innermost_actor_wins_and_the_outer_one_returns(make_user):
    outer, inner = make_user(Role.STRATEGIST), make_user(Role.STRATEGIST)
    with acting(outer):
        first = mandate_services.create_policy_area(name="Inre", actor=inner)
        second = PolicyArea.objects.create(name="Yttre", code="yttre")
    assert _last_entry(first).actor == inner
    assert _last_entry(second).actor == outer


def test_a_service_called_without_an_actor_is_refused(db):
    with pytest.raises(TypeError):
        mandate_services.save_policy_area(PolicyArea(name="Utan"))  # type: ignore[call-arg]
    assert not PolicyArea.objects.filter(name="Utan").exists()
