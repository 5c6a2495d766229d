"""Kolada's pages, the indicator and goal views with the comparison, and the access policy."""

from __future__ import annotations

from decimal import Decimal

import httpx
import pytest
import respx
from django.urls import reverse

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.goals.sources import indicator_values
from etablera.kolada.models import SyncRun
from etablera.organisation.models import Municipality
from tests.goals.factories import GoalFactory, IndicatorFactory

from .conftest import BASE, recorded
from .factories import KpiFactory, comparison_values

OPERATOR = Operator("test")


@pytest.fixture
def kpi(municipality):
    kpi = KpiFactory(id="N00973", title="Andel i arbete eller studier")
    comparison_values(
        kpi,
        {"1487": [40, 41], "1488": [50, None], "1490": [44, 47], "0000": [45, 46]},
    )
    return kpi


@pytest.fixture
def indicator(kpi, body):
    return IndicatorFactory(
        source="kolada",
        source_key="N00973",
        name="Etablering: arbete eller studier",
        goals=[GoalFactory(owner=body)],
    )


def test_indicator_page_shows_own_group_and_country_with_the_credit(client, make_user, indicator):
    client.force_login(make_user(Role.READER))
    response = client.get(indicator.get_absolute_url())
    html = response.content.decode()
    assert response.status_code == 200
    assert "Källa: Kolada (RKA), N00973, hämtat 2025-11-20." in html
    assert "ovägda medelvärdet" in html
    # 2024: own 41, group mean of 1490 only (1488 has no figure) 47, country 46.
    table = html[html.index("<caption>Etablering: arbete eller studier – jämfört med") :]
    row_2024 = table[table.index('<th scope="row">2024</th>') :].split("</tr>")[0]
    assert [c.split(">")[-1] for c in row_2024.split("</td>")[:-1]] == [
        "41,0\u00a0%",
        "47,0\u00a0%",
        "46,0\u00a0%",
        "saknas (Missing)",
        "47,0\u00a0%",
    ]


def test_goal_view_shows_the_comparison(client, make_user, indicator):
    client.force_login(make_user(Role.REPORTER))
    goal = indicator.goals.get()
    html = client.get(goal.get_absolute_url()).content.decode()
    assert (
        "Etablering: arbete eller studier: Jämförelse i Kolada" in html
        and "Källa: Kolada (RKA)" in html
    )


def test_a_flagged_kpi_is_shown_on_the_indicator_page(client, make_user, indicator, kpi):
    kpi.title = "Ett annat nyckeltal"
    kpi.save()
    client.force_login(make_user(Role.STRATEGIST))
    html = client.get(indicator.get_absolute_url()).content.decode()
    assert "Titeln för N00973 har ändrats i Kolada." in html
    assert "Andel i arbete eller studier" in html


def test_the_source_gives_the_own_years_value(db, indicator):
    (total,) = indicator_values(indicator, "2024", user=OPERATOR)
    assert total.value == Decimal("41.0000")
    assert indicator_values(indicator, "2024D", user=OPERATOR) == []


def test_the_source_notes_a_flagged_kpi(db, indicator, kpi):
    kpi.missing = True
    kpi.save()
    (total,) = indicator_values(indicator, "2024", user=OPERATOR)
    assert "flaggat" in total.note


def test_overview_and_kpi_pages(client, make_user, indicator):
    client.force_login(make_user(Role.AUDITOR))
    overview = client.get(reverse("kolada:overview")).content.decode()
    assert "N00973" in overview and "Etablering: arbete eller studier" in overview
    assert "Hämta från Kolada nu" not in overview
    detail = client.get(reverse("kolada:kpi-detail", args=["N00973"]))
    assert detail.status_code == 200 and "Beskrivning i Kolada." in detail.content.decode()
    assert client.get(reverse("kolada:kpi-detail", args=["N55555"])).status_code == 404


def test_only_a_strategist_may_start_a_sync(client, make_user, municipality):
    client.force_login(make_user(Role.ADMIN))
    assert client.post(reverse("kolada:sync")).status_code == 403
    assert not SyncRun.objects.exists()


def test_a_strategist_starts_a_sync_job_and_sees_the_result(client, make_user, indicator, kpi):
    from etablera.jobs.models import Job, JobStatus
    from etablera.jobs.worker import run_pending

    client.force_login(make_user(Role.STRATEGIST))
    response = client.post(reverse("kolada:sync"))
    job = Job.objects.get()
    assert response.url == reverse("jobs:detail", args=[job.pk])
    assert job.kind == "kolada.sync" and job.status == JobStatus.QUEUED
    with respx.mock(assert_all_called=False) as kolada:
        kolada.get(BASE + "kpi/N00973").mock(
            return_value=httpx.Response(200, json=recorded("kpi_N00973"))
        )
        kolada.get(path__startswith="/v3/data/").mock(
            return_value=httpx.Response(200, json=recorded("data_N00973_deleted"))
        )
        run_pending()
    job.refresh_from_db()
    run = SyncRun.objects.get()
    assert job.status == JobStatus.SUCCEEDED and job.result["run"] == run.pk
    assert run.results[0]["removed"] == 1  # 1490's 2024 value, marked deleted
    assert run.actor is not None
    page = client.get(reverse("jobs:detail", args=[job.pk])).content.decode()
    assert "Hämtningen från Kolada är klar." in page
    assert reverse("kolada:sync-run", args=[run.pk]) in page


def test_no_network_in_the_job_is_a_clear_message(client, make_user, indicator):
    from etablera.jobs.models import Job, JobStatus
    from etablera.jobs.worker import run_pending

    client.force_login(make_user(Role.STRATEGIST))
    client.post(reverse("kolada:sync"))
    with respx.mock(assert_all_called=False) as kolada:
        kolada.get(path__startswith="/v3/").mock(side_effect=httpx.ConnectError("down"))
        run_pending()
    job = Job.objects.get()
    assert job.status == JobStatus.FAILED and "Kan inte nå Kolada" in job.error
    assert "\n" not in job.error


def test_a_bad_comparison_code_is_said_before_a_job_is_queued(client, make_user, indicator):
    from etablera.jobs.models import Job

    Municipality.objects.update(comparison_group=["1488", "12"])
    client.force_login(make_user(Role.STRATEGIST))
    response = client.post(reverse("kolada:sync"), follow=True)
    assert "Ogiltig kommunkod: 12" in response.content.decode()
    assert not Job.objects.exists()


def test_comparison_group_is_edited_from_a_kolada_group(client, make_user, municipality):
    with respx.mock(assert_all_called=False) as kolada:
        kolada.get(BASE + "municipality_groups").mock(
            return_value=httpx.Response(200, json=recorded("municipality_groups"))
        )
        client.force_login(make_user(Role.ADMIN))
        client.post(reverse("kolada:groups-fetch"))
    page = client.get(reverse("kolada:comparison-group") + "?grupp=G124020").content.decode()
    assert "1488, 1490, 1492" in page and "Liknande kommuner, arbetsmarknad, Vänersborg" in page
    response = client.post(
        reverse("kolada:comparison-group"),
        {"name": "Liknande kommuner, arbetsmarknad", "codes": "1488, 1490 1492\n1487"},
    )
    assert response.status_code == 302
    municipality.refresh_from_db()
    assert municipality.comparison_group == ["1488", "1490", "1492"]  # the own code left out
    assert municipality.comparison_group_name == "Liknande kommuner, arbetsmarknad"


def test_a_bad_code_in_the_comparison_group_is_refused(client, make_user, municipality):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.post(reverse("kolada:comparison-group"), {"name": "X", "codes": "1488, 149"})
    assert response.status_code == 200
    assert "Ogiltiga kommunkoder: 149" in response.content.decode()
    assert Municipality.objects.get().comparison_group == ["1488", "1490"]


def test_a_reader_may_not_change_the_comparison_group(client, make_user, municipality):
    client.force_login(make_user(Role.READER))
    response = client.post(reverse("kolada:comparison-group"), {"name": "X", "codes": "1488"})
    assert response.status_code == 403


def test_an_indicator_cannot_take_a_kpi_outside_the_catalogue(client, make_user, municipality):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.post(
        reverse("goals:indicator-create"),
        {
            "name": "Ny",
            "unit": "percent",
            "direction": "higher",
            "source": "kolada",
            "source_key": "n12345",
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert "N12345 finns inte i Kolada-katalogen" in response.content.decode()


def test_the_api_serves_the_catalogue_and_the_values(client, make_user, indicator):
    client.force_login(make_user(Role.COACH))
    kpis = client.get("/api/kolada-kpis/").json()
    rows = kpis["results"] if isinstance(kpis, dict) else kpis
    assert [(k["id"], k["flagged"]) for k in rows] == [("N00973", False)]
    values = client.get("/api/kolada-values/?kpi=N00973&municipality=1488").json()
    rows = values["results"] if isinstance(values, dict) else values
    assert [(v["year"], v["value"], v["status"]) for v in rows] == [
        (2023, "50.0000", ""),
        (2024, None, "Missing"),
    ]
    assert client.post("/api/kolada-values/", {}).status_code == 405


#: Session, user, grants and the page frame, then the catalogue, the indicators using it and
#: the recent runs: the same however many KPIs there are.
QUERIES = 9


def test_the_overview_reads_a_fixed_number_of_queries(
    client, make_user, indicator, django_assert_num_queries
):
    from .factories import KpiFactory

    for _ in range(5):
        IndicatorFactory(source="kolada", source_key=KpiFactory().id)
    client.force_login(make_user(Role.READER))
    client.get(reverse("kolada:overview"))  # warms the session and the user's grants
    with django_assert_num_queries(QUERIES):
        client.get(reverse("kolada:overview"))
    for _ in range(10):
        IndicatorFactory(source="kolada", source_key=KpiFactory().id)
    with django_assert_num_queries(QUERIES):
        client.get(reverse("kolada:overview"))


def test_a_strategist_searches_kolada_and_adds_a_kpi(client, make_user, municipality):
    client.force_login(make_user(Role.STRATEGIST))
    with respx.mock(assert_all_called=False) as kolada:
        kolada.get(BASE + "kpi", params={"title": "etablering"}).mock(
            return_value=httpx.Response(200, json=recorded("kpi_N00973"))
        )
        kolada.get(BASE + "kpi/N00973").mock(
            return_value=httpx.Response(200, json=recorded("kpi_N00973"))
        )
        html = client.get(reverse("kolada:kpi-search"), {"q": "etablering"}).content.decode()
        assert "Lägg till N00973" in html
        response = client.post(reverse("kolada:kpi-add"), {"kpi": "n00973"}, follow=True)
    assert response.redirect_chain[-1][0] == reverse("kolada:kpi-detail", args=["N00973"])
    assert "Andel som lämnat etableringsuppdraget" in response.content.decode()


def test_searching_without_network_says_so(client, make_user, municipality):
    client.force_login(make_user(Role.STRATEGIST))
    with respx.mock(assert_all_called=False) as kolada:
        kolada.get(path__startswith="/v3/").mock(side_effect=httpx.ConnectError("down"))
        html = client.get(reverse("kolada:kpi-search"), {"q": "etablering"}).content.decode()
    assert "Kan inte nå Kolada" in html
    assert client.get(reverse("kolada:kpi-search"), {"q": "ab"}).status_code == 200


def test_a_reader_cannot_search_or_add(client, make_user, municipality):
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("kolada:kpi-search"), {"q": "etablering"}).status_code == 403
    assert client.post(reverse("kolada:kpi-add"), {"kpi": "N00973"}).status_code == 403
