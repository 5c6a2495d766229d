"""The documents API: same policy and services as the pages, 400 with field errors, in OpenAPI."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from rest_framework.test import APIClient

from etablera.accounts.roles import Role
from etablera.documents import services
from etablera.documents.demo import simple_pdf
from etablera.documents.models import Acknowledgement, DocumentVersion, VersionStatus
from tests.documents.factories import (
    DecisionFactory,
    SteeringDocumentFactory,
    adopted_version,
    distribution_to,
    draft_version,
)
from tests.factories import BodyFactory, UnitFactory

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def strategist(make_user, body):
    return make_user(Role.STRATEGIST, body=body)


def test_anonymous_gets_nothing(api):
    for path in (
        "/api/steering-documents/",
        "/api/document-versions/",
        "/api/document-distributions/",
        "/api/document-acknowledgements/",
    ):
        assert api.get(path).status_code in (401, 403)


def test_reader_reads_but_cannot_write(api, make_user, body):
    document = SteeringDocumentFactory(owner=body)
    api.force_authenticate(make_user(Role.READER))
    listing = api.get("/api/steering-documents/").json()
    assert [d["title"] for d in listing["results"]] == [document.title]
    response = api.post(
        "/api/steering-documents/",
        {"kind": "policy", "title": "X", "owner": body.pk, "review_by": "2027-01-01"},
        format="json",
    )
    assert response.status_code == 403


def test_strategist_creates_a_document_a_version_adopts_and_distributes(api, strategist, body):
    api.force_authenticate(strategist)
    document = api.post(
        "/api/steering-documents/",
        {"kind": "platform", "title": "Plattform", "owner": body.pk, "review_by": "2027-12-31"},
        format="json",
    ).json()
    version = api.post(
        "/api/document-versions/",
        {"document": document["id"], "text": "# Plattform\n\nText."},
        format="json",
    )
    assert version.status_code == 201, version.json()
    assert version.json()["number"] == 1 and version.json()["status"] == "draft"
    assert "<h2>Plattform</h2>" in version.json()["text_html"]
    decision = DecisionFactory(body=body)
    adopted = api.post(
        f"/api/document-versions/{version.json()['id']}/adopt/",
        {"decision": decision.pk},
        format="json",
    )
    assert adopted.status_code == 200, adopted.json()
    assert adopted.json()["status"] == "adopted"
    sent = api.post(
        "/api/document-distributions/",
        {"version": version.json()["id"], "body": body.pk, "deadline": f"{TODAY}"},
        format="json",
    )
    assert sent.status_code == 201, sent.json()
    assert sent.json()["acknowledged"] is False
    again = api.post(
        "/api/document-distributions/",
        {"version": version.json()["id"], "body": body.pk, "deadline": f"{TODAY}"},
        format="json",
    )
    assert again.status_code == 400
    assert "body" in again.json()
    assert (
        api.get(f"/api/steering-documents/{document['id']}/").json()["current_version"]
        == (version.json()["id"])
    )


def test_hostile_markdown_is_a_400_with_a_field_error(api, strategist):
    api.force_authenticate(strategist)
    response = api.post(
        "/api/document-versions/",
        {"document": SteeringDocumentFactory().pk, "text": "<img src=x onerror=alert(1)>"},
        format="json",
    )
    assert response.status_code == 400
    assert "skript" in response.json()["text"][0]
    assert not DocumentVersion.objects.exists()


def test_pdf_upload_through_the_api(api, strategist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    api.force_authenticate(strategist)
    document = SteeringDocumentFactory()
    fake = api.post(
        "/api/document-versions/",
        {"document": document.pk, "file": SimpleUploadedFile("x.pdf", b"<html>not a pdf")},
        format="multipart",
    )
    assert fake.status_code == 400
    assert "inte en PDF-fil" in fake.json()["file"][0]
    settings.ETABLERA_MAX_UPLOAD_MB = 1
    big = api.post(
        "/api/document-versions/",
        {"document": document.pk, "file": SimpleUploadedFile("x.pdf", b"%PDF-" + b"0" * 2**20)},
        format="multipart",
    )
    assert big.status_code == 400
    assert "för stor" in big.json()["file"][0]
    real = api.post(
        "/api/document-versions/",
        {"document": document.pk, "file": SimpleUploadedFile("r.pdf", simple_pdf(["Text"]))},
        format="multipart",
    )
    assert real.status_code == 201, real.json()
    data = real.json()
    assert data["file_url"].endswith(f"/styrdokument/versioner/{data['id']}/fil/")
    assert "/media/" not in str(data)
    assert DocumentVersion.objects.count() == 1


def test_adopted_versions_cannot_be_changed_through_the_api(api, strategist):
    version = adopted_version()
    api.force_authenticate(strategist)
    response = api.patch(
        f"/api/document-versions/{version.pk}/", {"text": "Efterhandsändring"}, format="json"
    )
    assert response.status_code == 400
    version.refresh_from_db()
    assert version.text != "Efterhandsändring"
    status = api.patch(f"/api/document-versions/{version.pk}/", {"status": "draft"}, format="json")
    version.refresh_from_db()
    assert status.status_code in (200, 400) and version.status == VersionStatus.ADOPTED


def test_adopt_without_decision_is_a_400(api, strategist):
    api.force_authenticate(strategist)
    version = draft_version()
    response = api.post(f"/api/document-versions/{version.pk}/adopt/", {}, format="json")
    assert response.status_code == 400
    assert "decision" in response.json()


def test_reporter_cannot_adopt_or_distribute(api, make_user, body):
    api.force_authenticate(make_user(Role.REPORTER, body=body))
    draft = draft_version()
    assert (
        api.post(
            f"/api/document-versions/{draft.pk}/adopt/",
            {"decision": DecisionFactory().pk},
            format="json",
        ).status_code
        == 403
    )
    assert (
        api.post(
            "/api/document-distributions/",
            {"version": adopted_version().pk, "body": body.pk, "deadline": f"{TODAY}"},
            format="json",
        ).status_code
        == 403
    )


def test_reporter_acknowledges_for_own_body(api, make_user, body):
    distribution = distribution_to(body)
    reporter = make_user(Role.REPORTER, body=body)
    api.force_authenticate(reporter)
    response = api.post(
        "/api/document-acknowledgements/",
        {"version": distribution.version_id, "body": body.pk, "text": "Vi tillämpar den."},
        format="json",
    )
    assert response.status_code == 201, response.json()
    assert response.json()["distribution"] == distribution.pk
    assert response.json()["acknowledged_by"] == reporter.pk
    changed = api.patch(
        f"/api/document-acknowledgements/{response.json()['id']}/",
        {"text": "Vi tillämpar den i hela förvaltningen."},
        format="json",
    )
    assert changed.status_code == 200
    assert Acknowledgement.objects.get().text == "Vi tillämpar den i hela förvaltningen."


def test_acknowledgement_for_a_body_not_sent_to_is_a_400_field_error(api, make_user, body):
    distribution = distribution_to(body)
    elsewhere = BodyFactory()
    api.force_authenticate(make_user(Role.REPORTER, body=elsewhere))
    response = api.post(
        "/api/document-acknowledgements/",
        {"version": distribution.version_id, "body": elsewhere.pk, "text": "Vi tillämpar."},
        format="json",
    )
    assert response.status_code == 400
    assert "har inte skickats till" in response.json()["body"][0]
    unit = UnitFactory(body=elsewhere)
    response = api.post(
        "/api/document-acknowledgements/",
        {"version": distribution.version_id, "unit": unit.pk, "text": "Vi tillämpar."},
        format="json",
    )
    assert response.status_code == 400
    assert "unit" in response.json()
    assert not Acknowledgement.objects.exists()


def test_acknowledgement_for_another_body_is_forbidden(api, make_user, body):
    distribution = distribution_to(body)
    api.force_authenticate(make_user(Role.REPORTER, body=BodyFactory()))
    response = api.post(
        "/api/document-acknowledgements/",
        {"version": distribution.version_id, "body": body.pk, "text": "Kapad."},
        format="json",
    )
    assert response.status_code == 403
    assert not Acknowledgement.objects.exists()


def test_acknowledgement_without_text_is_a_400(api, make_user, body):
    distribution = distribution_to(body)
    api.force_authenticate(make_user(Role.REPORTER, body=body))
    response = api.post(
        "/api/document-acknowledgements/",
        {"version": distribution.version_id, "body": body.pk, "text": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "text" in response.json()


def test_strategist_cannot_acknowledge(api, strategist, body):
    distribution = distribution_to(body)
    api.force_authenticate(strategist)
    response = api.post(
        "/api/document-acknowledgements/",
        {"version": distribution.version_id, "body": body.pk, "text": "Ja."},
        format="json",
    )
    assert response.status_code == 403


def test_distribution_deadline_can_be_patched_and_recipient_not(api, strategist, body):
    distribution = distribution_to(body)
    api.force_authenticate(strategist)
    later = TODAY + dt.timedelta(days=40)
    ok = api.patch(
        f"/api/document-distributions/{distribution.pk}/", {"deadline": f"{later}"}, format="json"
    )
    assert ok.status_code == 200
    moved = api.patch(
        f"/api/document-distributions/{distribution.pk}/", {"body": BodyFactory().pk}, format="json"
    )
    assert moved.status_code == 400
    early = api.patch(
        f"/api/document-distributions/{distribution.pk}/",
        {"deadline": f"{distribution.sent_on - dt.timedelta(days=1)}"},
        format="json",
    )
    assert early.status_code == 400 and "deadline" in early.json()
    distribution.refresh_from_db()
    assert distribution.deadline == later and distribution.body == body


def test_distributions_filter_by_acknowledged(api, make_user, body, other_body):
    version = adopted_version()
    done = distribution_to(body, version)
    distribution_to(other_body, version)
    services.acknowledge_distribution(done, actor=make_user(Role.REPORTER, body=body), text="Ja.")
    api.force_authenticate(make_user(Role.READER))
    open_ = api.get("/api/document-distributions/", {"acknowledged": "false"}).json()["results"]
    assert [d["body"] for d in open_] == [other_body.pk]


@pytest.mark.parametrize(
    "path",
    [
        "/api/steering-documents/",
        "/api/document-versions/",
        "/api/document-distributions/",
        "/api/document-acknowledgements/",
    ],
)
def test_list_query_counts_are_pinned(
    api, make_user, municipality, django_assert_max_num_queries, path
):
    bodies = BodyFactory.create_batch(3, municipality=municipality)
    reporters = {b.pk: make_user(Role.REPORTER, body=b) for b in bodies}

    def fill(n):
        for _ in range(n):
            version = adopted_version()
            for body in bodies:
                services.acknowledge_distribution(
                    distribution_to(body, version), actor=reporters[body.pk], text="Ja."
                )
            draft_version(version.document)

    fill(1)
    api.force_authenticate(make_user(Role.READER))
    with django_assert_max_num_queries(8) as few:
        api.get(path)
    fill(12)
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = api.get(path)
    assert response.status_code == 200 and response.json()["count"] >= 12


def test_openapi_describes_the_document_endpoints(api, db):
    response = api.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    paths = response.json()["paths"]
    for path in (
        "/api/steering-documents/",
        "/api/document-versions/",
        "/api/document-versions/{id}/adopt/",
        "/api/document-distributions/",
        "/api/document-acknowledgements/",
    ):
        assert path in paths, path
