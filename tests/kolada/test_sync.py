"""The synchronisation: upsert and delete semantics, all-or-nothing per KPI, flags, bad input."""

from __future__ import annotations

import copy
from decimal import Decimal

import httpx
import pytest
import respx

from etablera.kolada.client import KoladaClient
from etablera.kolada.models import Kpi, SyncOutcome, Value
from etablera.kolada.services import SyncInputError, parse_years, sync_kolada
from tests.factories import OPERATOR
from tests.goals.factories import IndicatorFactory

from .conftest import BASE, recorded

YEARS = [2023, 2024]
EMPTY = {"values": [], "count": 0, "next_url": None}


@pytest.fixture
def kolada():
    with respx.mock(assert_all_called=False) as mock:
        yield mock


@pytest.fixture
def fast_client(waits):
    with KoladaClient(BASE, sleep=waits.append) as c:
        yield c


def _serve(kolada, kpi_meta=None, pages=("data_N00973_page1", "data_N00973_page2")):
    kolada.get(BASE + "kpi/N00973").mock(
        return_value=httpx.Response(200, json=kpi_meta or recorded("kpi_N00973"))
    )
    data = "/v3/data/kpi/N00973/"
    if len(pages) == 2:
        kolada.get(path__startswith=data, params={"page": "2"}).mock(
            return_value=httpx.Response(200, json=recorded(pages[1]))
        )
    return kolada.get(path__startswith=data).mock(
        return_value=httpx.Response(200, json=recorded(pages[0]))
    )


def _stored() -> dict:
    return {
        (v.municipality, v.year, v.gender): (v.value, v.status)
        for v in Value.objects.filter(kpi_id="N00973")
    }


def test_first_sync_adds_everything_second_changes_nothing(db, municipality, kolada, fast_client):
    IndicatorFactory(source="kolada", source_key="N00973")
    route = _serve(kolada)
    report = sync_kolada(years=YEARS, client=fast_client, actor=OPERATOR)
    assert report.ok
    (result,) = report.results
    assert (result.added, result.changed, result.removed) == (7, 0, 0)
    assert _stored()[("1487", 2023, "K")] == (Decimal("33.0000"), "")
    assert _stored()[("1488", 2024, "T")] == (None, "Missing")  # kept as "saknas"
    assert _stored()[("0000", 2024, "T")] == (Decimal("46.1000"), "")
    kpi = Kpi.objects.get(pk="N00973")
    assert kpi.title.startswith("Andel som lämnat etableringsuppdraget") and not kpi.flagged
    assert kpi.last_fetched_at is not None
    path = route.calls[0].request.url.path
    assert path.endswith("/municipality/1487,1488,1490,0000/year/2023,2024")

    again = sync_kolada(years=YEARS, client=fast_client, actor=OPERATOR)
    assert again.ok and again.changed_nothing
    assert (again.results[0].unchanged, again.results[0].touched) == (7, 0)
    assert again.lines()[-1] == "Inget har ändrats sedan förra hämtningen."
    assert again.run.outcome == SyncOutcome.DONE


def test_a_changed_value_is_updated_and_a_deleted_row_removed(
    db, municipality, kolada, fast_client
):
    _serve(kolada)
    sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    kolada.routes.clear()
    _serve(kolada, pages=("data_N00973_deleted",))
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert (report.results[0].removed, report.results[0].added) == (1, 0)
    assert ("1490", 2024, "T") not in _stored()
    assert len(_stored()) == 6

    kolada.routes.clear()
    page = recorded("data_N00973_page1")
    page["next_url"] = None
    page["values"][1]["values"][0]["value"] = 44.0
    kolada.get(BASE + "kpi/N00973").mock(
        return_value=httpx.Response(200, json=recorded("kpi_N00973"))
    )
    kolada.get(path__startswith="/v3/data/").mock(return_value=httpx.Response(200, json=page))
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert (report.results[0].changed, report.results[0].unchanged) == (1, 3)
    assert _stored()[("1487", 2024, "T")] == (Decimal("44.0000"), "")


def test_a_title_change_is_flagged(db, municipality, kolada, fast_client):
    _serve(kolada)
    sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    kolada.routes.clear()
    meta = copy.deepcopy(recorded("kpi_N00973"))
    meta["values"][0]["title"] = "Andel i arbete eller studier efter etablering (ny definition)"
    _serve(kolada, kpi_meta=meta)
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    kpi = Kpi.objects.get(pk="N00973")
    assert kpi.flagged and kpi.title_changed
    assert report.results[0].title_changed
    assert "titeln har ändrats" in report.results[0].line()


def test_a_vanished_kpi_is_flagged_and_its_values_kept(db, municipality, kolada, fast_client):
    _serve(kolada)
    sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    before = _stored()
    kolada.routes.clear()
    kolada.get(BASE + "kpi/N00973").mock(return_value=httpx.Response(200, json=EMPTY))
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert not report.ok
    assert "känner inte till" in report.results[0].error
    assert Kpi.objects.get(pk="N00973").missing
    assert _stored() == before


def test_an_unknown_id_changes_nothing(db, municipality, kolada, fast_client):
    kolada.get(BASE + "kpi/N99999").mock(return_value=httpx.Response(200, json=EMPTY))
    report = sync_kolada(kpis=["N99999"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert not report.ok and "N99999" in report.results[0].error
    assert not Kpi.objects.exists() and not Value.objects.exists()


def test_a_malformed_page_leaves_the_stored_values_as_they_were(
    db, municipality, kolada, fast_client
):
    _serve(kolada)
    sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    before = _stored()
    kolada.routes.clear()
    page1 = recorded("data_N00973_page1")
    page1["values"][0]["values"][0]["value"] = 99.0  # would change a value ...
    kolada.get(BASE + "kpi/N00973").mock(
        return_value=httpx.Response(200, json=recorded("kpi_N00973"))
    )
    kolada.get(path__startswith="/v3/data/", params={"page": "2"}).mock(
        return_value=httpx.Response(200, text='{"values": [{"kpi": "N00973"}]}')  # ... but
    )
    kolada.get(path__startswith="/v3/data/").mock(return_value=httpx.Response(200, json=page1))
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert not report.ok and report.results[0].error
    assert _stored() == before


def test_a_timeout_in_the_middle_keeps_each_kpi_whole(db, municipality, kolada, fast_client):
    """The first KPI is written whole; the second times out on its second page and stays as
    it was; the run says so."""
    meta = recorded("kpi_N00973")
    second = copy.deepcopy(meta["values"][0])
    second["id"] = "N00974"
    meta["values"].append(second)
    kolada.get(BASE + "kpi/N00973,N00974").mock(return_value=httpx.Response(200, json=meta))
    kolada.get(path__startswith="/v3/data/kpi/N00973/").mock(
        return_value=httpx.Response(200, json=recorded("data_N00973_deleted"))
    )
    page = recorded("data_N00973_page1")
    for row in page["values"]:
        row["kpi"] = "N00974"
    page["next_url"] = page["next_url"].replace("N00973", "N00974")
    kolada.get(path__startswith="/v3/data/kpi/N00974/", params={"page": "2"}).mock(
        side_effect=httpx.ReadTimeout("slow")
    )
    kolada.get(path__startswith="/v3/data/kpi/N00974/").mock(
        return_value=httpx.Response(200, json=page)
    )
    report = sync_kolada(kpis=["N00973", "N00974"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert not report.ok
    assert report.results[0].error == "" and report.results[1].error
    assert not Value.objects.filter(kpi_id="N00974").exists()
    assert report.run.outcome == SyncOutcome.PARTLY


def test_no_network_changes_nothing_and_says_so_in_one_line(db, municipality, kolada, fast_client):
    kolada.get(BASE + "kpi/N00973").mock(side_effect=httpx.ConnectError("no route"))
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert not report.ok and report.results == []
    assert report.lines() == [report.error] and "Kan inte nå Kolada" in report.error
    assert not Value.objects.exists()
    assert report.run.outcome == SyncOutcome.FAILED


def test_a_bad_municipality_code_is_refused_before_anything_is_fetched(db, municipality, kolada):
    municipality.comparison_group = ["1488", "14X0"]
    municipality.save()
    with pytest.raises(SyncInputError, match="14X0"):
        sync_kolada(kpis=["N00973"], years=YEARS, actor=OPERATOR)
    assert not kolada.calls


@pytest.mark.parametrize("text", ["2015-", "20x5", "2025-2015", "1800-1801", ""])
def test_bad_years_are_refused(text):
    with pytest.raises(SyncInputError):
        parse_years(text)


def test_years_are_read_as_ranges_and_lists():
    assert parse_years("2015-2017,2020") == [2015, 2016, 2017, 2020]


def test_kolada_figures_replace_every_example_figure(db, municipality, kolada, fast_client):
    from tests.kolada.factories import KpiFactory, ValueFactory

    kpi = KpiFactory(id="N00973", is_example=True)
    ValueFactory(kpi=kpi, municipality="1495", year=2016)  # a year Kolada will not send
    _serve(kolada)
    report = sync_kolada(kpis=["N00973"], years=YEARS, client=fast_client, actor=OPERATOR)
    assert (report.results[0].added, report.results[0].removed) == (7, 1)
    kpi.refresh_from_db()
    assert not kpi.is_example and ("1495", 2016, "T") not in _stored()


def test_a_run_stopped_before_it_ended_is_shown_and_recorded_as_interrupted(
    db, municipality, kolada, fast_client, client, make_user
):
    """A killed synchronisation cannot record its end: it would say "Pågår" for ever. Long
    after any run ends it is shown as interrupted, and the next run records it as failed."""
    import datetime as dt

    from django.urls import reverse
    from django.utils import timezone

    from etablera.accounts.roles import Role
    from etablera.kolada.models import INTERRUPTED_AFTER, SyncRun

    stopped = SyncRun.objects.create(kpis=["N00973"], years="2023-2024")
    running = SyncRun.objects.create(kpis=["N00973"], years="2023-2024")
    SyncRun.objects.filter(pk=stopped.pk).update(
        started_at=timezone.now() - INTERRUPTED_AFTER - dt.timedelta(minutes=1)
    )
    stopped.refresh_from_db()
    assert stopped.interrupted and not running.interrupted
    client.force_login(make_user(Role.STRATEGIST))
    page = client.get(reverse("kolada:sync-run", args=[stopped.pk])).content.decode()
    assert "Avbruten" in page and "avbröts innan den blev klar" in page
    assert "Pågår" in client.get(reverse("kolada:sync-run", args=[running.pk])).content.decode()

    IndicatorFactory(source="kolada", source_key="N00973")
    _serve(kolada)
    sync_kolada(years=YEARS, client=fast_client, actor=OPERATOR)
    stopped.refresh_from_db()
    running.refresh_from_db()
    assert stopped.outcome == SyncOutcome.FAILED and "avbröts" in stopped.message
    assert running.outcome == SyncOutcome.RUNNING  # still within any run's time: left alone
