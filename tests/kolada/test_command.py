"""`etablera kolada sync|values|groups` on the command line."""

from __future__ import annotations

import csv
import io
import json
import re

import httpx
import pytest
import respx
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from django.utils.translation import gettext

from etablera.kolada.models import MunicipalityGroup, Value
from tests.goals.factories import IndicatorFactory

from .conftest import BASE, recorded


def run(*args) -> str:
    out = io.StringIO()
    call_command("kolada", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def kolada():
    with respx.mock(assert_all_called=False) as mock:
        mock.get(BASE + "kpi/N00973").mock(
            return_value=httpx.Response(200, json=recorded("kpi_N00973"))
        )
        mock.get(path__startswith="/v3/data/", params={"page": "2"}).mock(
            return_value=httpx.Response(200, json=recorded("data_N00973_page2"))
        )
        mock.get(path__startswith="/v3/data/").mock(
            return_value=httpx.Response(200, json=recorded("data_N00973_page1"))
        )
        yield mock


def test_sync_prints_what_changed_and_a_second_run_says_nothing_changed(db, municipality, kolada):
    IndicatorFactory(source="kolada", source_key="N00973")
    first = run("sync", "--years", "2023-2024").splitlines()
    assert re.fullmatch(r"N00973: 7 \w+, 0 \w+, 0 \w+", first[0])
    second = run("sync", "--years", "2023-2024").splitlines()
    assert re.fullmatch(r"N00973: 0 \w+, 0 \w+, 0 \w+", second[0])
    with translation.override("en"):
        assert second[1] == gettext("Inget har ändrats sedan förra hämtningen.")


def test_values_as_csv_and_json(db, municipality, kolada):
    run("sync", "--kpi", "N00973", "--years", "2023-2024")
    rows = list(csv.DictReader(io.StringIO(run("values", "--kpi", "N00973"))))
    assert list(rows[0]) == ["kpi", "municipality", "year", "gender", "value", "status", "fetched"]
    assert len(rows) == 7
    missing = next(r for r in rows if r["municipality"] == "1488")
    assert (missing["value"], missing["status"]) == ("", "Missing")
    as_json = json.loads(run("values", "--kpi", "N00973", "--format", "json"))
    assert {(r["municipality"], r["year"], r["gender"], r["value"]) for r in as_json} >= {
        ("1487", 2023, "K", "33"),
        ("1490", 2024, "T", "52.25"),
    }


def test_no_network_is_one_line_and_exit_code_2(db, municipality):
    with respx.mock(assert_all_called=False) as mock:
        mock.get(path__startswith="/v3/").mock(side_effect=httpx.ConnectError("down"))
        out = io.StringIO()
        with pytest.raises(CommandError) as exc:
            call_command("kolada", "sync", "--kpi", "N00973", stdout=out)
    assert exc.value.returncode == 2 and out.getvalue() == ""
    assert "\n" not in str(exc.value)
    assert not Value.objects.exists()


def test_an_unknown_kpi_exits_1_and_changes_nothing(db, municipality):
    with respx.mock(assert_all_called=False) as mock:
        mock.get(BASE + "kpi/N99999").mock(
            return_value=httpx.Response(200, json={"values": [], "count": 0, "next_url": None})
        )
        with pytest.raises(SystemExit) as exc:
            run("sync", "--kpi", "N99999")
    assert exc.value.code == 1
    assert not Value.objects.exists()


@pytest.mark.parametrize(
    "args", [("sync", "--years", "20-25"), ("sync", "--kpi", "nonsense!"), ("values", "--kpi", "")]
)
def test_bad_input_is_a_clear_error(db, municipality, args):
    with pytest.raises(CommandError) as exc:
        run(*args)
    assert exc.value.returncode == 2


def test_a_bad_municipality_code_stops_before_fetching(db, municipality):
    municipality.code = "1487"
    municipality.comparison_group = ["1488", "88"]
    municipality.save()
    with respx.mock(assert_all_called=False) as mock, pytest.raises(CommandError, match="88"):
        run("sync", "--kpi", "N00973")
    assert not mock.calls


def test_groups_are_fetched(db):
    with respx.mock(assert_all_called=False) as mock:
        mock.get(BASE + "municipality_groups").mock(
            return_value=httpx.Response(200, json=recorded("municipality_groups"))
        )
        assert "2 municipality group(s)" in run("groups")
    assert MunicipalityGroup.objects.get(pk="G124020").members == ["1488", "1490", "1492"]
