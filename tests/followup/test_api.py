"""The follow-up API: the same policy and refusals as the pages (400 with Swedish messages)."""

from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from etablera.followup import services
from etablera.followup.models import Period, Report, ReportStatus
from tests.factories import BodyFactory
from tests.followup.conftest import assess_all
from tests.goals.factories import GoalFactory
from tests.mandates.factories import MandateFactory


@pytest.fixture
def api():
    return APIClient()


def test_a_reporter_writes_and_submits_through_the_api(api, world, sn_reporter):
    api.force_authenticate(sn_reporter)
    entries = api.get(f"/api/report-entries/?report={world.sn_report.pk}").json()["results"]
    assert len(entries) == 3
    response = api.post(f"/api/reports/{world.sn_report.pk}/submit/")
    assert response.status_code == 400
    assert "saknar bedömning" in str(response.json())
    for entry in entries:
        response = api.patch(
            f"/api/report-entries/{entry['id']}/", {"assessment": "partly", "analysis": "Via API."}
        )
        assert response.status_code == 200, response.json()
    response = api.patch(f"/api/report-entries/{entries[0]['id']}/", {"assessment": "kanske"})
    assert response.status_code == 400
    response = api.post(f"/api/reports/{world.sn_report.pk}/submit/")
    assert response.status_code == 200
    assert response.json()["status"] == "submitted"
    # Now locked for the reporter: 400 with the Swedish reason.
    response = api.patch(f"/api/report-entries/{entries[0]['id']}/", {"analysis": "Ändrad."})
    assert response.status_code == 400
    assert "inlämnad" in str(response.json())


def test_the_strategist_returns_and_approves_through_the_api(api, world, strategist):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=None)
    api.force_authenticate(strategist)
    url = f"/api/reports/{world.sn_report.pk}"
    assert api.post(f"{url}/return/", {}).status_code == 400
    assert api.post(f"{url}/return/", {"comment": "Mer analys."}).json()["status"] == "returned"
    services.submit_report(world.sn_report, actor=None)
    assert api.post(f"{url}/approve/", {"decision": 999999}).status_code == 400
    response = api.post(f"{url}/approve/", {"decision": world.approval.pk})
    assert response.status_code == 200 and response.json()["status"] == "approved"
    assert api.post(f"{url}/approve/", {"decision": world.approval.pk}).status_code == 400


def test_roles_are_held_to_the_policy(api, world, sn_reporter, reader, strategist):
    api.force_authenticate(sn_reporter)
    assert (
        api.post(
            f"/api/reports/{world.sn_report.pk}/approve/", {"decision": world.approval.pk}
        ).status_code
        == 403
    )
    assert api.get(f"/api/reports/{world.ks_report.pk}/").status_code == 404
    api.force_authenticate(strategist)
    entry = world.sn_report.entries.first()
    assert api.patch(f"/api/report-entries/{entry.pk}/", {"analysis": "X"}).status_code == 403
    assert api.post(f"/api/reports/{world.sn_report.pk}/submit/").status_code == 403
    api.force_authenticate(reader)
    assert api.get("/api/reports/").json()["count"] == 0
    assert api.get("/api/report-entries/").json()["count"] == 0
    assert api.post("/api/periods/", {}).status_code == 403


def test_periods_through_the_api(api, world, strategist):
    api.force_authenticate(strategist)
    response = api.post(
        "/api/periods/",
        {
            "code": "2025-EXTRA",
            "name": "Extra",
            "kind": "annual",
            "start": "2025-03-01",
            "end": "2025-06-30",
            "deadline": "2025-07-15",
        },
    )
    assert response.status_code == 400
    assert "överlappar 2025H" in str(response.json())
    response = api.post(
        "/api/periods/",
        {
            "code": "2026T1",
            "name": "Tertial 1 2026",
            "kind": "tertial",
            "start": "2026-01-01",
            "end": "2026-04-30",
            "deadline": "2026-05-20",
        },
    )
    assert response.status_code == 201, response.json()
    period_id = response.json()["id"]
    response = api.post(f"/api/periods/{period_id}/open/")
    assert response.status_code == 200 and response.json()["status"] == "open"
    assert Report.objects.filter(period_id=period_id).exists()
    assert api.post(f"/api/periods/{period_id}/close/").json()["status"] == "closed"
    assert Period.objects.count() == 2


@pytest.mark.parametrize("url", ["/api/reports/", "/api/report-entries/", "/api/periods/"])
def test_api_lists_need_no_more_queries_with_more_rows(
    api, world, strategist, url, django_assert_max_num_queries
):
    api.force_authenticate(strategist)
    with django_assert_max_num_queries(12) as few:
        api.get(url)
    for _i in range(10):
        body = BodyFactory(municipality=world.municipality)
        MandateFactory(owner=body, follow_up_body=body)
        GoalFactory(owner=body)
    services.open_period(world.period, actor=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(url)
    assert response.status_code == 200


def test_the_openapi_description_names_the_followup_endpoints(api, strategist):
    api.force_authenticate(strategist)
    schema = api.get("/api/schema/", HTTP_ACCEPT="application/json").content.decode()
    for path in (
        "/api/periods/",
        "/api/periods/{id}/open/",
        "/api/reports/{id}/submit/",
        "/api/reports/{id}/return/",
        "/api/reports/{id}/approve/",
        "/api/report-entries/{id}/",
        "/api/goals/",
        "/api/indicators/",
        "/api/targets/",
        "/api/indicator-values/",
    ):
        assert path in schema, path


def test_a_draft_stays_a_draft_after_a_refused_submission(api, world, sn_reporter):
    api.force_authenticate(sn_reporter)
    api.post(f"/api/reports/{world.sn_report.pk}/submit/")
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.DRAFT
