"""Follow-up pages: the reporter's form, the strategist's decisions, refusals and query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.followup import services
from etablera.followup.models import Period, Report, ReportEntry, ReportStatus
from tests.factories import BodyFactory
from tests.followup.conftest import approve, assess_all
from tests.goals.factories import GoalFactory, IndicatorFactory, IndicatorValueFactory
from tests.mandates.factories import MandateFactory


def form_data(report, assessment="met", analysis="Analys.", action="save"):
    version = Report.objects.values_list("version", flat=True).get(pk=report.pk)
    data = {"action": action, "report-summary": "Sammanfattning.", "version": version}
    for entry in report.entries.all():
        prefix = f"entry-{entry.pk}"
        if assessment:
            data[f"{prefix}-assessment"] = assessment
        data[f"{prefix}-analysis"] = analysis
        data[f"{prefix}-measures"] = "Åtgärd."
    return data


def test_a_reporter_writes_saves_and_submits_the_bodys_report(client, world, sn_reporter):
    client.force_login(sn_reporter)
    url = reverse("followup:report-edit", args=[world.sn_report.pk])
    html = client.get(url).content.decode()
    assert html.count('type="radio"') == 3 * 4
    assert "41,5\u00a0%" in html  # the goal's indicator, live
    response = client.post(url, form_data(world.sn_report, analysis="Första utkastet."))
    assert response.status_code == 302
    assert set(world.sn_report.entries.values_list("analysis", flat=True)) == {"Första utkastet."}
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.DRAFT
    response = client.post(url, form_data(world.sn_report, action="submit"))
    assert response.status_code == 302
    report = Report.objects.get(pk=world.sn_report.pk)
    assert report.status == ReportStatus.SUBMITTED
    assert report.summary == "Sammanfattning."


def test_submitting_an_incomplete_report_saves_nothing(client, world, sn_reporter):
    client.force_login(sn_reporter)
    url = reverse("followup:report-edit", args=[world.sn_report.pk])
    data = form_data(world.sn_report, assessment="", analysis="Ny text.", action="submit")
    first = world.sn_report.entries.order_by("order").first()
    data[f"entry-{first.pk}-assessment"] = "met"
    response = client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Rapporten kan inte lämnas in: 2 poster saknar bedömning" in html
    assert 'role="alert"' in html
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.DRAFT
    assert not ReportEntry.objects.filter(analysis="Ny text.").exists()
    assert "Ny text." in html  # what was typed is kept in the form


def test_a_locked_report_cannot_be_edited(client, world, sn_reporter):
    approve(world, world.sn_report)
    client.force_login(sn_reporter)
    url = reverse("followup:report-edit", args=[world.sn_report.pk])
    response = client.get(url, follow=True)
    assert "godkänd och låst" in response.content.decode()
    client.post(url, form_data(world.sn_report, analysis="Ändrad i efterhand."))
    assert not ReportEntry.objects.filter(analysis="Ändrad i efterhand.").exists()


def test_another_bodys_reporter_and_readers_cannot_reach_a_draft(client, world, make_user):
    url = reverse("followup:report-edit", args=[world.sn_report.pk])
    detail = reverse("followup:report-detail", args=[world.sn_report.pk])
    client.force_login(make_user(Role.REPORTER, body=world.ks))
    assert client.get(url).status_code == 404
    assert client.post(url, form_data(world.sn_report)).status_code == 404
    client.force_login(make_user(Role.READER))
    assert client.get(detail).status_code == 404
    assert not ReportEntry.objects.filter(analysis="Analys.").exists()


def test_a_strategist_returns_and_approves(client, world, strategist):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=None)
    client.force_login(strategist)
    detail = reverse("followup:report-detail", args=[world.sn_report.pk])
    html = client.get(detail).content.decode()
    assert reverse("followup:report-approve", args=[world.sn_report.pk]) in html
    assert reverse("followup:report-edit", args=[world.sn_report.pk]) not in html
    back = reverse("followup:report-return", args=[world.sn_report.pk])
    response = client.post(back, {"comment": ""})
    assert response.status_code == 200 and "obligatoriskt" in response.content.decode()
    assert client.post(back, {"comment": "Komplettera."}).status_code == 302
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.RETURNED
    services.submit_report(world.sn_report, actor=None)
    approve_url = reverse("followup:report-approve", args=[world.sn_report.pk])
    assert client.post(approve_url, {"decision": ""}).status_code == 200
    assert client.post(approve_url, {"decision": world.approval.pk}).status_code == 302
    report = Report.objects.get(pk=world.sn_report.pk)
    assert report.status == ReportStatus.APPROVED and report.decision == world.approval


def test_a_reporter_cannot_approve(client, world, sn_reporter):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=None)
    client.force_login(sn_reporter)
    url = reverse("followup:report-approve", args=[world.sn_report.pk])
    assert client.post(url, {"decision": world.approval.pk}).status_code == 403
    assert Report.objects.get(pk=world.sn_report.pk).status == ReportStatus.SUBMITTED


def test_the_commissioners_report_shows_the_performers_entry(client, world, ks_reporter):
    assess_all(world.sn_report, analysis="Redovisning från SN till KS.")
    services.submit_report(world.sn_report, actor=None)
    client.force_login(ks_reporter)
    html = client.get(reverse("followup:report-detail", args=[world.ks_report.pk])).content.decode()
    assert "Uppdrag som andra organ utför på uppdrag av KS" in html
    assert "Redovisning från SN till KS." in html


def test_a_strategist_creates_a_period_from_its_code_and_opens_it(client, world, strategist):
    client.force_login(strategist)
    response = client.post(
        reverse("followup:period-create"), {"code": "2026d", "deadline": "2026-09-20"}
    )
    assert response.status_code == 302
    period = Period.objects.get(code="2026D")
    assert (period.kind, str(period.start), str(period.end)) == (
        "interim",
        "2026-01-01",
        "2026-08-31",
    )
    assert period.name == "Delår 2026"
    client.post(reverse("followup:period-open", args=["2026D"]))
    assert Report.objects.filter(period=period).count() == 2


def test_an_overlapping_period_is_refused_in_the_form(client, world, strategist):
    client.force_login(strategist)
    response = client.post(
        reverse("followup:period-create"),
        {
            "code": "2025-EXTRA",
            "kind": "annual",
            "name": "Extra",
            "start": "2025-06-01",
            "end": "2026-05-31",
            "deadline": "2026-06-30",
        },
    )
    assert response.status_code == 200
    assert "Perioden överlappar 2025H" in response.content.decode()
    assert not Period.objects.filter(code="2025-EXTRA").exists()


def test_only_strategists_open_periods(client, world, sn_reporter):
    client.force_login(sn_reporter)
    assert client.get(reverse("followup:period-create")).status_code == 403
    assert client.post(reverse("followup:period-close", args=["2025H"])).status_code == 403


def _more_reports(world, n):
    for _i in range(n):
        body = BodyFactory(municipality=world.municipality)
        MandateFactory(owner=body, follow_up_body=body, policy_area=world.area)
        goal = GoalFactory(owner=body, policy_area=world.area)
        IndicatorValueFactory(indicator=IndicatorFactory(goals=[goal]))
    services.open_period(world.period, actor=None)


@pytest.mark.parametrize(
    "url_name", ["followup:period-list", "followup:report-list", "followup:period-detail", "home"]
)
def test_list_pages_need_no_more_queries_with_more_reports(
    client, world, strategist, url_name, django_assert_max_num_queries
):
    client.force_login(strategist)
    url = (
        reverse(url_name, args=["2025H"])
        if url_name == "followup:period-detail"
        else reverse(url_name)
    )
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    _more_reports(world, 12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


@pytest.mark.parametrize("url_name", ["followup:report-detail", "followup:report-edit"])
def test_report_pages_need_no_more_queries_with_more_entries(
    client, world, sn_reporter, url_name, django_assert_max_num_queries
):
    client.force_login(sn_reporter)
    url = reverse(url_name, args=[world.sn_report.pk])
    with django_assert_max_num_queries(40) as few:
        client.get(url)
    for _i in range(8):
        goal = GoalFactory(owner=world.sn, policy_area=world.area)
        goal.mandates.add(MandateFactory(owner=world.sn, follow_up_body=world.sn))
        IndicatorValueFactory(indicator=IndicatorFactory(goals=[goal]))
    services.open_period(world.period, actor=None)
    assert world.sn_report.entries.count() > 15
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200


def test_home_panels_for_reporter_and_strategist(client, world, sn_reporter, strategist):
    client.force_login(sn_reporter)
    html = client.get("/").content.decode()
    assert "Din uppföljningsrapport" in html and "Sista dag" in html and "2026-02-15" in html
    assert "bedömda." in html  # how far the report has come
    client.force_login(strategist)
    html = client.get("/").content.decode()
    assert "0 inlämnade och 0 godkända av 2; 2 saknas" in html
