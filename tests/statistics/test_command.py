"""``etablera kpis``: every format hides what must be hidden; bad input stops with a message."""

from __future__ import annotations

import csv
import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.test import override_settings

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.statistics import selectors
from etablera.web.tables import SUPPRESSED_SYMBOL
from tests.factories import UnitFactory

from .conftest import AS_OF, OTHER_UNIT_PEOPLE, near


def run(*args: str) -> str:
    out = io.StringIO()
    call_command("kpis", *args, "--as-of", AS_OF.isoformat(), stdout=out)
    return out.getvalue()


def test_the_totals_as_a_table(populated):
    text = run("--period", "2025")
    active = next(line for line in text.splitlines() if line.startswith("Aktiva deltagare"))
    assert near(active.split()[-1], 49)
    assert "kan avvika med upp till ±2" in text


def test_the_table_format_prints_the_symbol_and_the_explanation(populated):
    text = run("--period", "2025", "--by", "gender")
    active = next(line for line in text.splitlines() if line.startswith("Aktiva deltagare"))
    # Kvinna, Man, Annat eller okänt, Totalt: the three of unknown gender are hidden.
    women, men, unknown, total = active.split()[-4:]
    assert near(women, 20) and near(men, 26) and near(total, 49)
    assert unknown == SUPPRESSED_SYMBOL
    assert "pekas ut" in text


def test_json_marks_suppressed_cells_and_never_gives_their_value(populated):
    data = json.loads(run("--period", "2025", "--by", "gender", "--format", "json"))
    rows = {row["group"]["gender"]: row["values"] for row in data["rows"]}
    assert rows["X"]["active_participants"] == {"value": None, "suppressed": True}
    assert near(rows["M"]["active_participants"]["value"], 26)
    assert near(rows[None]["active_participants"]["value"], 49)
    assert data["disclosure"]["count_threshold"] == 5
    assert data["disclosure"]["deviation"]["active_participants"] == 2
    assert data["disclosure"]["symbol"] == SUPPRESSED_SYMBOL


def test_csv_prints_the_symbol_and_the_explanation(populated):
    text = run("--period", "2025", "--by", "category", "--format", "csv")
    rows = list(csv.reader(io.StringIO(text)))
    training = next(r for r in rows if r and r[0] == "Arbetsträning")
    assert set(training[1:]) == {SUPPRESSED_SYMBOL}
    assert "pekas ut" in text


def test_two_breakdowns_at_a_time(populated):
    data = json.loads(run("--period", "2025", "--by", "gender,intervention", "--format", "json"))
    cells = [r for r in data["rows"] if r["group"]["gender"] and r["group"]["intervention"]]
    assert cells
    for row in data["rows"]:
        for value in row["values"].values():
            assert value["suppressed"] or value["value"] is not None


def test_a_unit_scope(other_unit_of_ten, make_user):
    unit = other_unit_of_ten["other_unit"]
    make_user(Role.COACH, unit=unit)  # a scope users see: the unit's coach's
    data = json.loads(run("--period", "2025", "--scope", f"enhet:{unit.pk}", "--format", "json"))
    assert data["scope"]["label"] == unit.name
    assert near(data["rows"][0]["values"]["active_participants"]["value"], OTHER_UNIT_PEOPLE)


def test_an_operator_chooses_among_the_scopes_users_see(other_unit_of_ten, make_user):
    """The policy decides an operator's scopes as a user's: a unit with no role that sees
    KPIs, such as a sub-unit picked to subtract from its unit, is refused."""
    unit = other_unit_of_ten["unit"]
    sub_unit = UnitFactory(parent=unit, body=unit.body)
    make_user(Role.COACH, unit=unit)
    make_user(Role.STRATEGIST)  # municipality-wide: no unit of its own
    assert json.loads(run("--period", "2025", "--scope", f"enhet:{unit.pk}", "--format", "json"))
    for scope in (f"enhet:{sub_unit.pk}", f"enhet:{other_unit_of_ten['other_unit'].pk}"):
        with pytest.raises(CommandError, match="not a scope") as error:
            run("--period", "2025", "--scope", scope)
        assert f"enhet:{unit.pk}" in str(error.value) and "kommun" in str(error.value)
    names = {s.key for s in selectors.scopes_for(Operator("test"))}
    assert names == {"kommun", f"enhet-{unit.pk}"}


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--period", "2025T7"], "Okänd period"),
        (["--period", "2025", "--by", "shoe_size"], "Okänd uppdelning"),
        (["--period", "2025", "--by", "gender,age,education"], "högst två"),
        (["--period", "2019"], "nothing to report"),
        (["--period", "2025", "--scope", "enhet:Finns inte"], "No single unit"),
        (["--period", "2025", "--scope", "planet:Mars"], "Unknown scope"),
        (["--period", "2025", "--kpis", "happiness"], "Unknown KPI"),
        (["--period", "2025-02-03..2025-02-20"], "kalendermånad"),
        (["--period", "2025-02-01..2025-04-30"], "kalendermånad"),
    ],
)
def test_bad_input_stops_with_a_message(populated, args, message):
    with pytest.raises(CommandError, match=message):
        run(*args)


@pytest.mark.parametrize(
    "setting",
    [
        {"ETABLERA_SUPPRESSION_THRESHOLD": 0},
        {"ETABLERA_SUPPRESSION_THRESHOLD": -5},
        {"ETABLERA_SHARE_MIN_GROUP": 0},
        {"ETABLERA_SHARE_MIN_EACH": -1},
    ],
)
def test_nonsense_thresholds_stop_before_anything_is_printed(populated, setting):
    out = io.StringIO()
    with override_settings(**setting), pytest.raises(CommandError, match="ETABLERA_"):
        call_command("kpis", "--period", "2025", "--format", "json", stdout=out)
    assert out.getvalue() == ""
