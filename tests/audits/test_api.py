"""The audits API: the same policy and services as the pages; bad input is a 400 with a Swedish
message and nothing saved; pinned query counts on every list."""

from __future__ import annotations

import pytest
from django.contrib.contenttypes.models import ContentType
from rest_framework.test import APIClient

from etablera.accounts.roles import Role
from etablera.audits.models import Action, AuditorFollowUp, EvidenceLink, Response
from tests.audits.factories import (
    ActionFactory,
    AuditFactory,
    FollowUpFactory,
    QuestionFactory,
    RecommendationFactory,
    ResponseFactory,
    make_mandate,
)


@pytest.fixture
def rec(ks):
    return RecommendationFactory(audit=AuditFactory(audited_bodies=[ks]), addressed_to=[ks])


def client_for(user) -> APIClient:
    api = APIClient()
    api.force_authenticate(user)
    return api


def test_anonymous_gets_nothing(db):
    assert APIClient().get("/api/audits/").status_code in (401, 403)


def test_auditor_registers_an_audit_with_a_recommendation(make_user, ks):
    api = client_for(make_user(Role.AUDITOR))
    created = api.post(
        "/api/audits/",
        {
            "title": "Granskning av uppföljningen",
            "auditor_firm": "KPMG",
            "published_on": "2022-09-30",
            "audited_bodies": [ks.pk],
            "purpose": "Att bedöma uppföljningen.",
            "response_deadline": "2022-11-25",
        },
        format="json",
    )
    assert created.status_code == 201, created.json()
    rec = api.post(
        "/api/audit-recommendations/",
        {"audit": created.json()["id"], "number": 1, "text": "Följ upp.", "addressed_to": [ks.pk]},
        format="json",
    )
    assert rec.status_code == 201, rec.json()
    assert rec.json()["addressed_to"] == [ks.pk]


def test_a_reporter_cannot_register_an_audit(make_user, ks):
    api = client_for(make_user(Role.REPORTER, body=ks))
    response = api.post("/api/audits/", {"title": "x"}, format="json")
    assert response.status_code == 403


def test_action_due_before_the_audit_is_a_400(make_user, rec, ks):
    api = client_for(make_user(Role.STRATEGIST, body=ks))
    response = api.post(
        "/api/audit-actions/",
        {
            "recommendation": rec.pk,
            "description": "Ansvarsmatris",
            "responsible_body": ks.pk,
            "responsible_person": "Kommundirektören",
            "due_date": "2022-01-31",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "före granskningens publicering (2022-09-30)" in str(response.json())
    assert not Action.objects.exists()


def test_response_from_a_body_not_addressed_is_a_400(make_user, rec, sn):
    api = client_for(make_user(Role.REPORTER, body=sn))
    response = api.post(
        "/api/audit-responses/",
        {
            "audit": rec.audit_id,
            "recommendation": rec.pk,
            "body": sn.pk,
            "date": "2022-11-20",
            "text": "Svar",
        },
        format="json",
    )
    assert response.status_code == 400
    assert "rekommendationen är inte riktad till organet" in str(response.json())
    assert not Response.objects.exists()


def test_evidence_to_an_object_the_user_cannot_see_is_a_400(make_user, rec, ks, sn):
    from tests.audits.test_services import _draft_report

    action = ActionFactory(recommendation=rec, responsible_body=sn)
    hidden = _draft_report(ks)
    api = client_for(make_user(Role.REPORTER, body=sn))
    response = api.post(
        "/api/audit-evidence/",
        {"action": action.pk, "target_type": "followup.report", "target_id": hidden.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "behörighet att se det" in str(response.json())
    assert not EvidenceLink.objects.exists()
    mandate = make_mandate(sn)
    ok = api.post(
        "/api/audit-evidence/",
        {"action": action.pk, "target_type": "mandates.mandate", "target_id": mandate.pk},
        format="json",
    )
    assert ok.status_code == 201, ok.json()
    assert api.get("/api/audit-evidence/").json()["results"][0]["target_label"] == mandate.title


def test_evidence_of_a_kind_not_allowed_is_a_400(make_user, rec, ks):
    api = client_for(make_user(Role.STRATEGIST, body=ks))
    response = api.post(
        "/api/audit-evidence/",
        {"recommendation": rec.pk, "target_type": "organisation.body", "target_id": ks.pk},
        format="json",
    )
    assert response.status_code == 400


def test_evidence_the_reader_cannot_see_is_not_listed(make_user, rec, ks):
    from tests.audits.test_services import _draft_report

    hidden = _draft_report(ks)
    EvidenceLink.objects.create(
        recommendation=rec,
        content_type=ContentType.objects.get_for_model(hidden),
        object_id=hidden.pk,
    )
    assert (
        client_for(make_user(Role.STRATEGIST, body=ks)).get("/api/audit-evidence/").json()["count"]
        == 1
    )
    assert client_for(make_user(Role.READER)).get("/api/audit-evidence/").json()["count"] == 0


def test_an_auditor_cannot_edit_a_bodys_action(make_user, rec, ks):
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    api = client_for(make_user(Role.AUDITOR))
    response = api.patch(f"/api/audit-actions/{action.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.status == "not_started"


def test_the_responsible_body_updates_its_action(make_user, rec, ks):
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    api = client_for(make_user(Role.STRATEGIST, body=ks))
    response = api.patch(f"/api/audit-actions/{action.pk}/", {"status": "done"}, format="json")
    assert response.status_code == 200, response.json()
    assert response.json()["completed_on"] is not None


def test_a_reporter_cannot_record_the_auditors_assessment(make_user, rec, ks):
    api = client_for(make_user(Role.REPORTER, body=ks))
    response = api.post(
        "/api/audit-follow-ups/",
        {"recommendation": rec.pk, "date": "2023-11-24", "assessment": "addressed"},
        format="json",
    )
    assert response.status_code == 403
    assert not AuditorFollowUp.objects.exists()


def test_the_auditors_record_their_assessment(make_user, rec):
    auditor = make_user(Role.AUDITOR)
    response = client_for(auditor).post(
        "/api/audit-follow-ups/",
        {"recommendation": rec.pk, "date": "2023-11-24", "assessment": "partly", "comment": "x"},
        format="json",
    )
    assert response.status_code == 201
    assert response.json()["recorded_by"] == auditor.pk


# --- pinned query counts on every list ------------------------------------------------------


def _rows(ks, sn, n: int) -> None:
    mandate = make_mandate(ks)
    mandate_type = ContentType.objects.get_for_model(mandate)
    for _ in range(n):
        audit = AuditFactory(audited_bodies=[ks, sn])
        QuestionFactory(audit=audit)
        rec = RecommendationFactory(audit=audit, addressed_to=[ks, sn])
        action = ActionFactory(recommendation=rec, responsible_body=ks)
        ResponseFactory(recommendation=rec, body=ks)
        FollowUpFactory(recommendation=rec)
        EvidenceLink.objects.create(action=action, content_type=mandate_type, object_id=mandate.pk)


@pytest.mark.parametrize(
    "url",
    [
        "/api/audits/",
        "/api/audit-questions/",
        "/api/audit-recommendations/",
        "/api/audit-responses/",
        "/api/audit-actions/",
        "/api/audit-follow-ups/",
        "/api/audit-evidence/",
    ],
)
def test_api_list_query_count_does_not_grow_with_rows(
    make_user, ks, sn, url, django_assert_max_num_queries
):
    api = client_for(make_user(Role.REPORTER, body=sn))
    _rows(ks, sn, 1)
    with django_assert_max_num_queries(12) as few:
        assert api.get(url).json()["count"] == 1
    _rows(ks, sn, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert api.get(url).json()["count"] == 21
