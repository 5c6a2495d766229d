"""The Kolada kolada_client against a mocked transport, with answers in exactly the v3 shape."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx
from hypothesis import given
from hypothesis import strategies as st

from etablera.kolada.client import (
    KoladaClient,
    KoladaResponseError,
    KoladaUnavailable,
    chunks,
    parse_data_row,
)

from .conftest import BASE, recorded

DATA = "/v3/data/kpi/N00973/"


@pytest.fixture
def kolada():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


def test_base_url_comes_from_the_setting(settings):
    settings.ETABLERA_KOLADA_URL = "https://kolada.example/v3"
    with KoladaClient() as kolada_client:
        assert kolada_client.base_url == "https://kolada.example/v3/"


def test_pages_are_followed_until_next_url_is_null(kolada, kolada_client):
    second = kolada.get(path__startswith=DATA, params={"page": "2"}).mock(
        return_value=httpx.Response(200, json=recorded("data_N00973_page2"))
    )
    first = kolada.get(path__startswith=DATA).mock(
        return_value=httpx.Response(200, json=recorded("data_N00973_page1"))
    )
    rows = list(kolada_client.data(["N00973"], ["1487", "1488", "1490", "0000"], [2023, 2024]))
    assert first.call_count == 1 and second.call_count == 1
    assert [(r["municipality"], r["year"]) for r in rows] == [
        ("1487", 2023),
        ("1487", 2024),
        ("1488", 2024),
        ("1490", 2024),
        ("0000", 2024),
    ]
    assert first.calls[0].request.url.path.endswith(
        "/municipality/1487,1488,1490,0000/year/2023,2024"
    )


def test_null_values_keep_their_status(kolada, kolada_client):
    kolada.get(path__startswith=DATA).mock(
        return_value=httpx.Response(200, json=recorded("data_N00973_page2"))
    )
    rows = {r["municipality"]: r for r in kolada_client.data(["N00973"], ["1488"], [2024])}
    missing = rows["1488"]["values"][0]
    assert missing["value"] is None and missing["status"] == "Missing"
    assert rows["1490"]["values"][0]["value"] == Decimal("52.25")


def test_a_deleted_row_is_marked(kolada, kolada_client):
    kolada.get(path__startswith=DATA).mock(
        return_value=httpx.Response(200, json=recorded("data_N00973_deleted"))
    )
    (row,) = kolada_client.data(["N00973"], ["1490"], [2024])
    assert row["deleted"] is True


def test_429_is_retried_after_what_retry_after_says(kolada, kolada_client, waits):
    route = kolada.get(BASE + "kpi/N00973").mock(
        side_effect=[
            httpx.Response(429, headers={"Retry-After": "7"}),
            httpx.Response(200, json=recorded("kpi_N00973")),
        ]
    )
    (kpi,) = kolada_client.kpis(["N00973"])
    assert kpi["title"].startswith("Andel som lämnat etableringsuppdraget")
    assert route.call_count == 2
    assert waits == [7.0]


def test_500_three_times_gives_up_with_one_clear_message(kolada, kolada_client, waits):
    route = kolada.get(BASE + "kpi/N00973").mock(return_value=httpx.Response(500))
    with pytest.raises(KoladaUnavailable) as exc:
        kolada_client.kpis(["N00973"])
    assert route.call_count == 3
    assert waits == [0.5, 1.0]  # exponential backoff between the three attempts
    assert "500" in str(exc.value) and "\n" not in str(exc.value)


def test_a_timeout_is_retried_then_reported(kolada, kolada_client):
    kolada.get(BASE + "kpi/N00973").mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(KoladaUnavailable, match="i tid"):
        kolada_client.kpis(["N00973"])


def test_no_network_is_one_clear_line(kolada, kolada_client):
    kolada.get(BASE + "kpi/N00973").mock(side_effect=httpx.ConnectError("no route to host"))
    with pytest.raises(KoladaUnavailable) as exc:
        kolada_client.kpis(["N00973"])
    assert "Kan inte nå Kolada" in str(exc.value) and "\n" not in str(exc.value)


def test_sixty_ids_are_split_into_three_requests(kolada, kolada_client):
    ids = [f"N{n:05d}" for n in range(60)]
    route = kolada.get(path__startswith="/v3/kpi/").mock(
        return_value=httpx.Response(200, json={"values": [], "count": 0, "next_url": None})
    )
    assert kolada_client.kpis(ids) == []
    assert route.call_count == 3
    sent = [call.request.url.path.rsplit("/", 1)[1].split(",") for call in route.calls]
    assert [len(part) for part in sent] == [25, 25, 10]
    assert [i for part in sent for i in part] == ids


def test_values_for_many_municipalities_ask_for_every_combination(kolada, kolada_client):
    route = kolada.get(path__startswith=DATA).mock(
        return_value=httpx.Response(200, json={"values": [], "count": 0, "next_url": None})
    )
    codes = [f"{n:04d}" for n in range(1400, 1430)]
    assert list(kolada_client.data(["N00973"], codes, [2024])) == []
    assert route.call_count == 2


@pytest.mark.parametrize(
    "body",
    [
        "<html>maintenance</html>",
        '{"count": 1}',
        '{"values": {"kpi": "N00973"}}',
        '{"values": [{"kpi": "N00973", "municipality": "14", "period": 2024, "values": []}]}',
        '{"values": [{"kpi": "N00973", "municipality": "1487", "period": "x", "values": []}]}',
        '{"values": [{"kpi": "N00973", "municipality": "1487", "period": 2024,'
        ' "values": [{"gender": "X", "value": 1}]}]}',
        '{"values": [{"kpi": "N00973", "municipality": "1487", "period": 2024,'
        ' "values": [{"gender": "T", "value": "many"}]}]}',
    ],
)
def test_a_malformed_answer_is_refused(kolada, kolada_client, body):
    kolada.get(path__startswith=DATA).mock(return_value=httpx.Response(200, text=body))
    with pytest.raises(KoladaResponseError):
        list(kolada_client.data(["N00973"], ["1487"], [2024]))


def test_municipality_groups_with_members(kolada, kolada_client):
    kolada.get(BASE + "municipality_groups").mock(
        return_value=httpx.Response(200, json=recorded("municipality_groups"))
    )
    groups = kolada_client.municipality_groups()
    assert groups[0]["id"] == "G124020"
    assert [m["id"] for m in groups[0]["members"]] == ["1488", "1490", "1492"]


@given(st.lists(st.text(min_size=1, max_size=6), max_size=80), st.integers(1, 30))
def test_chunks_keep_every_id_once_in_order(ids, size):
    parts = chunks(ids, size)
    assert all(1 <= len(p) <= size for p in parts)
    assert [i for p in parts for i in p] == list(dict.fromkeys(ids))


@given(
    st.fixed_dictionaries(
        {
            "kpi": st.text(max_size=8),
            "municipality": st.one_of(st.text(max_size=5), st.integers(), st.none()),
            "period": st.one_of(st.integers(-5, 3000), st.text(max_size=5), st.none()),
            "values": st.one_of(
                st.none(),
                st.lists(
                    st.fixed_dictionaries(
                        {
                            "gender": st.sampled_from(["T", "K", "M", "X", None]),
                            "value": st.one_of(
                                st.none(),
                                st.floats(allow_nan=True, allow_infinity=True),
                                st.text(max_size=4),
                                st.booleans(),
                            ),
                        }
                    ),
                    max_size=3,
                ),
            ),
        }
    )
)
def test_parse_data_row_either_accepts_or_refuses_cleanly(row):
    try:
        parsed = parse_data_row(row)
    except KoladaResponseError:
        return
    assert len(parsed["municipality"]) == 4 and parsed["municipality"].isdigit()
    assert all(v["gender"] in "TKM" for v in parsed["values"])
    assert all(v["value"] is None or v["value"].is_finite() for v in parsed["values"])
