"""Approving a report: the approving bodies' decisions, and a new decision registered in place
(with htmx or with a plain POST), pre-filled for the report."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from etablera.followup import selectors, services
from etablera.followup.models import ReportStatus
from etablera.mandates.models import Decision
from tests.factories import BodyFactory

from .conftest import assess_all

pytestmark = pytest.mark.django_db


@pytest.fixture
def submitted(world):
    assess_all(world.sn_report)
    services.submit_report(world.sn_report, actor=None)
    return world.sn_report


def _post(report, **fields) -> dict:
    data = {
        "beslut-body": "",
        "beslut-date": "2026-03-20",
        "beslut-section": "§ 51",
        "beslut-case_number": "KS 2026/40",
        "beslut-title": "Godkännande av SN:s rapport",
        "beslut-url": "",
    }
    data.update({f"beslut-{k}": v for k, v in fields.items()})
    return data


def test_the_approving_bodies_are_the_board_and_the_reporting_body(world):
    BodyFactory(municipality=world.municipality)
    assert set(selectors.approving_bodies(world.sn_report)) == {world.ks, world.sn}


def test_the_service_refuses_another_body_and_a_date_before_the_period(world, submitted):
    other = BodyFactory(municipality=world.municipality)
    with pytest.raises(ValidationError) as exc:
        services.register_approval_decision(
            submitted,
            Decision(body=other, date=dt.date(2024, 12, 31), title="Fel"),
            actor=None,
        )
    assert set(exc.value.message_dict) == {"body", "date"}
    assert not Decision.objects.filter(title="Fel").exists()


def test_no_decision_is_registered_for_a_report_not_handed_in(world):
    with pytest.raises(ValidationError):
        services.register_approval_decision(
            world.sn_report,
            Decision(body=world.ks, date=dt.date(2026, 3, 1), title="X"),
            actor=None,
        )


def test_the_new_decision_form_is_prefilled_for_the_report(client, strategist, submitted, world):
    client.force_login(strategist)
    html = client.get(reverse("followup:report-approve", args=[submitted.pk])).content.decode()
    assert f'<option value="{world.ks.pk}" selected>' in html
    assert "Godkännande av SN uppföljningsrapport för" in html
    assert 'hx-post="/uppfoljning/rapporter/' in html and 'hx-select="#approval"' in html
    assert f'<option value="{world.approval.pk}">' in html  # offered, not chosen


def test_without_javascript_the_decision_is_registered_and_chosen(client, strategist, submitted):
    client.force_login(strategist)
    url = reverse("followup:report-approve-decision", args=[submitted.pk])
    response = client.post(url, _post(submitted, body=str(submitted.body_id)), follow=True)
    decision = Decision.objects.get(title="Godkännande av SN:s rapport")
    assert response.redirect_chain[-1][0].endswith(f"/godkann/?beslut={decision.pk}")
    html = response.content.decode()
    assert f'<option value="{decision.pk}" selected>' in html
    assert "är registrerat och valt nedan" in html
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED  # chosen, not yet approved
    response = client.post(
        reverse("followup:report-approve", args=[submitted.pk]), {"decision": decision.pk}
    )
    submitted.refresh_from_db()
    assert (submitted.status, submitted.decision) == (ReportStatus.APPROVED, decision)


def test_with_htmx_the_redirect_shows_the_status_and_focuses_the_choice(
    client, strategist, submitted, world
):
    client.force_login(strategist)
    url = reverse("followup:report-approve-decision", args=[submitted.pk])
    response = client.post(
        url, _post(submitted, body=str(world.ks.pk)), HTTP_HX_REQUEST="true", follow=True
    )
    html = response.content.decode()
    decision = Decision.objects.get(title="Godkännande av SN:s rapport")
    status = html[html.index('id="approval-status"') : html.index('<div id="approval">')]
    assert decision.reference in status
    assert (
        "autofocus" in html[html.index('id="id_decision"') - 200 : html.index('id="id_decision"')]
    )


def test_a_bad_decision_shows_its_errors_in_place_and_saves_nothing(client, strategist, submitted):
    client.force_login(strategist)
    url = reverse("followup:report-approve-decision", args=[submitted.pk])
    response = client.post(url, _post(submitted, body=str(submitted.body_id), date="2020-01-01"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "innan perioden började" in html
    assert '<details class="new-decision" open>' in html
    assert not Decision.objects.filter(title="Godkännande av SN:s rapport").exists()


def test_only_those_who_approve_and_register_decisions_may_post(client, sn_reporter, submitted):
    client.force_login(sn_reporter)
    url = reverse("followup:report-approve-decision", args=[submitted.pk])
    assert client.post(url, _post(submitted)).status_code == 403
    assert client.get(url).status_code == 405


def test_approving_without_a_decision_says_so(client, strategist, submitted):
    client.force_login(strategist)
    response = client.post(reverse("followup:report-approve", args=[submitted.pk]), {})
    assert response.status_code == 200
    assert "Formuläret innehåller fel" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == ReportStatus.SUBMITTED
