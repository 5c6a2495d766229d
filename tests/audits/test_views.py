"""Audit pages: the workflow through the forms, who may do what, bad input, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.contrib.contenttypes.models import ContentType
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.audits.models import (
    Action,
    Audit,
    AuditorFollowUp,
    EvidenceLink,
    Recommendation,
    Response,
)
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
def audit(ks):
    audit = AuditFactory(audited_bodies=[ks], title="Granskning av integrationsarbetet")
    QuestionFactory(audit=audit, number=1)
    return audit


@pytest.fixture
def rec(audit, ks):
    return RecommendationFactory(audit=audit, number=1, addressed_to=[ks])


def test_reader_sees_the_list_and_the_audit_but_no_forms(client, make_user, audit, rec):
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("audits:list")).content.decode()
    assert "Granskning av integrationsarbetet" in page
    assert reverse("audits:create") not in page
    detail = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert rec.text in detail
    assert reverse("audits:action-create", args=[rec.pk]) not in detail
    assert reverse("audits:follow-up-create", args=[rec.pk]) not in detail


def test_the_whole_workflow_through_the_pages(client, make_user, ks, sn):
    # The auditors register the audit and its recommendation.
    auditor = make_user(Role.AUDITOR)
    client.force_login(auditor)
    response = client.post(
        reverse("audits:create"),
        {
            "title": "Granskning av arbetsmarknadsinsatser",
            "auditor_firm": "KPMG",
            "commissioned_by": "De förtroendevalda revisorerna",
            "published_on": "2022-09-30",
            "audited_bodies": [ks.pk],
            "purpose": "Att bedöma uppföljningen.",
            "response_deadline": "2022-11-25",
        },
    )
    audit = Audit.objects.get(title="Granskning av arbetsmarknadsinsatser")
    assert response.status_code == 302
    client.post(
        reverse("audits:recommendation-create", args=[audit.pk]),
        {"number": 1, "text": "Tydliggöra uppföljningsansvaret.", "addressed_to": [ks.pk]},
    )
    rec = Recommendation.objects.get(audit=audit)

    # The executive board answers and plans an action; the social committee carries it out.
    strategist = make_user(Role.STRATEGIST, body=ks)
    client.force_login(strategist)
    assert (
        client.post(
            reverse("audits:response-create", args=[audit.pk]),
            {"recommendation": rec.pk, "body": ks.pk, "date": "2022-11-22", "text": "Vi gör så."},
        ).status_code
        == 302
    )
    client.post(
        reverse("audits:action-create", args=[rec.pk]),
        {
            "description": "Ange uppföljningsansvarig för varje uppdrag",
            "responsible_body": sn.pk,
            "responsible_person": "Socialchefen",
            "due_date": "2023-06-30",
            "status": "ongoing",
        },
    )
    action = Action.objects.get(recommendation=rec)
    mandate = make_mandate(sn, title="Arbetsmarknadsinsatser för nyanlända")
    target = f"{ContentType.objects.get_for_model(mandate).pk}:{mandate.pk}"
    form_page = client.get(reverse("audits:action-evidence-add", args=[action.pk])).content
    assert target.encode() in form_page
    client.post(
        reverse("audits:action-evidence-add", args=[action.pk]),
        {"target": target, "note": "Uppföljningsansvaret framgår"},
    )
    assert EvidenceLink.objects.filter(action=action, object_id=mandate.pk).exists()

    reporter = make_user(Role.REPORTER, body=sn)
    client.force_login(reporter)
    client.post(
        reverse("audits:action-edit", args=[action.pk]),
        {
            "description": action.description,
            "responsible_body": sn.pk,
            "responsible_person": "Socialchefen",
            "due_date": "2023-06-30",
            "status": "done",
            "completed_on": "2023-05-30",
        },
    )
    action.refresh_from_db()
    assert action.status == "done"

    # A year later the auditors follow up.
    client.force_login(auditor)
    client.post(
        reverse("audits:follow-up-create", args=[rec.pk]),
        {"date": "2023-11-24", "assessment": "addressed", "comment": "Klart."},
    )
    follow_up = AuditorFollowUp.objects.get(recommendation=rec)
    assert follow_up.recorded_by == auditor

    page = client.get(reverse("audits:detail", args=[audit.pk])).content.decode()
    assert "Åtgärdad enligt revisorerna" in page
    assert "Arbetsmarknadsinsatser för nyanlända" in page  # the evidence
    listing = client.get(reverse("audits:list")).content.decode()
    assert '<td class="num">1</td>' in listing  # one recommendation, addressed


def test_an_auditor_cannot_edit_a_bodys_action(client, make_user, rec, ks):
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    client.force_login(make_user(Role.AUDITOR))
    url = reverse("audits:action-edit", args=[action.pk])
    assert client.get(url).status_code == 403
    response = client.post(
        url,
        {
            "description": "ändrat",
            "responsible_body": ks.pk,
            "responsible_person": "x",
            "due_date": "2023-01-01",
            "status": "done",
        },
    )
    assert response.status_code == 403
    action.refresh_from_db()
    assert action.description != "ändrat"


def test_a_reporter_cannot_record_the_auditors_assessment(client, make_user, rec, ks):
    client.force_login(make_user(Role.REPORTER, body=ks))
    url = reverse("audits:follow-up-create", args=[rec.pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"date": "2023-11-24", "assessment": "addressed"}).status_code == 403
    assert not AuditorFollowUp.objects.exists()


def test_a_reporter_of_another_body_cannot_edit_the_action(client, make_user, rec, ks, sn):
    action = ActionFactory(recommendation=rec, responsible_body=ks)
    client.force_login(make_user(Role.REPORTER, body=sn))
    assert client.get(reverse("audits:action-edit", args=[action.pk])).status_code == 403


def test_action_due_before_the_audit_shows_a_swedish_message(client, make_user, rec, ks):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    response = client.post(
        reverse("audits:action-create", args=[rec.pk]),
        {
            "description": "Ta fram en ansvarsmatris",
            "responsible_body": ks.pk,
            "responsible_person": "Kommundirektören",
            "due_date": "2021-12-31",
            "status": "not_started",
        },
    )
    assert response.status_code == 200
    assert (
        "Åtgärden kan inte ha ett slutdatum före granskningens publicering (2022-09-30)."
        in response.content.decode()
    )
    assert not Action.objects.exists()


def test_response_from_a_body_not_addressed_shows_a_swedish_message(client, make_user, rec, sn):
    client.force_login(make_user(Role.REPORTER, body=sn))
    response = client.post(
        reverse("audits:response-create", args=[rec.audit_id]),
        {"recommendation": rec.pk, "body": sn.pk, "date": "2022-11-20", "text": "Svar"},
    )
    assert response.status_code == 200
    assert (
        "Socialnämnden kan inte svara: rekommendationen är inte riktad till organet."
        in response.content.decode()
    )
    assert not Response.objects.exists()


def test_evidence_the_user_cannot_see_shows_a_swedish_message(client, make_user, rec, ks, sn):
    from tests.audits.test_services import _draft_report

    action = ActionFactory(recommendation=rec, responsible_body=sn)
    hidden = _draft_report(ks)
    client.force_login(make_user(Role.REPORTER, body=sn))
    url = reverse("audits:action-evidence-add", args=[action.pk])
    target = f"{ContentType.objects.get_for_model(hidden).pk}:{hidden.pk}"
    assert target not in client.get(url).content.decode()  # not offered …
    response = client.post(url, {"target": target})  # … and refused when forced
    assert response.status_code == 200
    assert "du inte behörighet att se det" in response.content.decode()
    assert not EvidenceLink.objects.exists()


def test_evidence_the_reader_cannot_see_is_not_shown(client, make_user, rec, ks, sn):
    from tests.audits.test_services import _draft_report

    action = ActionFactory(recommendation=rec, responsible_body=ks)
    hidden = _draft_report(ks)
    EvidenceLink.objects.create(
        action=action,
        content_type=ContentType.objects.get_for_model(hidden),
        object_id=hidden.pk,
    )
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    assert (
        str(hidden) in client.get(reverse("audits:recommendation", args=[rec.pk])).content.decode()
    )
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("audits:recommendation", args=[rec.pk])).content.decode()
    assert str(hidden) not in page


def test_removing_evidence(client, make_user, rec, ks):
    mandate = make_mandate(ks)
    link = EvidenceLink.objects.create(
        recommendation=rec,
        content_type=ContentType.objects.get_for_model(mandate),
        object_id=mandate.pk,
    )
    client.force_login(make_user(Role.READER))
    assert client.post(reverse("audits:evidence-remove", args=[link.pk])).status_code == 404
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    assert client.post(reverse("audits:evidence-remove", args=[link.pk])).status_code == 302
    assert not EvidenceLink.objects.exists()


def test_unknown_audit_answers_404(client, make_user, db):
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("audits:detail", args=[999999])).status_code == 404
    assert client.get(reverse("audits:recommendation", args=[999999])).status_code == 404


def test_report_file_is_served_through_the_policy(client, make_user, audit, settings, tmp_path):
    from django.core.files.base import ContentFile

    settings.MEDIA_ROOT = tmp_path
    audit.report_file.save("rapport.pdf", ContentFile(b"%PDF-1.4 test"))
    client.force_login(make_user(Role.READER))
    response = client.get(reverse("audits:report-file", args=[audit.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content).startswith(b"%PDF-")


def test_an_uploaded_report_that_is_not_a_pdf_is_refused(client, make_user, ks):
    from django.core.files.uploadedfile import SimpleUploadedFile

    client.force_login(make_user(Role.AUDITOR))
    response = client.post(
        reverse("audits:create"),
        {
            "title": "Med fel fil",
            "auditor_firm": "KPMG",
            "commissioned_by": "Revisorerna",
            "published_on": "2022-09-30",
            "audited_bodies": [ks.pk],
            "purpose": "x",
            "report_file": SimpleUploadedFile("rapport.pdf", b"MZ not a pdf"),
        },
    )
    assert response.status_code == 200
    assert "Filen är inte en PDF-fil." in response.content.decode()
    assert not Audit.objects.filter(title="Med fel fil").exists()


# --- pinned query counts -------------------------------------------------------------------


def _fill(audit, ks, sn, n: int) -> None:
    mandate = make_mandate(ks)
    mandate_type = ContentType.objects.get_for_model(mandate)
    for _ in range(n):
        rec = RecommendationFactory(audit=audit, addressed_to=[ks, sn])
        for status in ("ongoing", "done"):
            action = ActionFactory(recommendation=rec, responsible_body=sn, status=status)
            EvidenceLink.objects.create(
                action=action, content_type=mandate_type, object_id=mandate.pk
            )
        EvidenceLink.objects.create(
            recommendation=rec, content_type=mandate_type, object_id=mandate.pk
        )
        FollowUpFactory(recommendation=rec)
        FollowUpFactory(recommendation=rec, date=dt.date(2024, 1, 1))
        ResponseFactory(recommendation=rec, body=ks)


def test_audit_list_query_count_does_not_grow_with_rows(
    client, make_user, ks, sn, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    _fill(AuditFactory(audited_bodies=[ks]), ks, sn, 1)
    with django_assert_max_num_queries(12) as few:
        client.get(reverse("audits:list"))
    for _ in range(15):
        _fill(AuditFactory(audited_bodies=[ks, sn]), ks, sn, 3)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("audits:list"))
    assert response.content.decode().count('href="/granskningar/') >= 16


def test_audit_page_query_count_does_not_grow_with_rows(
    client, make_user, audit, ks, sn, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    _fill(audit, ks, sn, 1)
    url = reverse("audits:detail", args=[audit.pk])
    with django_assert_max_num_queries(25) as few:
        client.get(url)
    _fill(audit, ks, sn, 20)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert response.content.decode().count('class="recommendation"') == 21


def test_recommendation_page_query_count_does_not_grow_with_rows(
    client, make_user, rec, ks, sn, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    mandate = make_mandate(ks)
    mandate_type = ContentType.objects.get_for_model(mandate)
    action = ActionFactory(recommendation=rec)
    EvidenceLink.objects.create(action=action, content_type=mandate_type, object_id=mandate.pk)
    url = reverse("audits:recommendation", args=[rec.pk])
    with django_assert_max_num_queries(30) as few:
        client.get(url)
    for i in range(20):
        action = ActionFactory(recommendation=rec, responsible_body=sn)
        other = make_mandate(ks, title=f"Uppdrag {i}")
        EvidenceLink.objects.create(action=action, content_type=mandate_type, object_id=other.pk)
        FollowUpFactory(recommendation=rec)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(url)
    assert "Uppdrag 19" in response.content.decode()
