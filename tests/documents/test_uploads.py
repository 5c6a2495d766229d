"""Uploaded PDFs: checked by their content and size, stored under MEDIA_ROOT, served via policy."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from etablera.accounts.roles import Role
from etablera.documents.demo import simple_pdf
from etablera.documents.models import DocumentVersion
from tests.documents.factories import SteeringDocumentFactory
from tests.documents.html import field_error

pytestmark = pytest.mark.django_db

PDF = simple_pdf(["Riktlinjer", "Punkt 1"])


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def strategist(make_user, body):
    return make_user(Role.STRATEGIST, body=body)


def _upload(client, document, content: bytes, name: str = "riktlinjer.pdf", text: str = ""):
    return client.post(
        reverse("documents:version-create", args=[document.pk]),
        {"text": text, "changes": "", "file": SimpleUploadedFile(name, content, "application/pdf")},
    )


def test_a_real_pdf_is_stored_under_media_root_with_a_random_name(client, strategist, media):
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    response = _upload(client, document, PDF, name="../../etc/Riktlinjer 2024.pdf")
    assert response.status_code == 302
    version = DocumentVersion.objects.get(document=document)
    assert version.file_name == "Riktlinjer 2024.pdf"
    stored = media / version.file.name
    assert stored.is_file() and stored.read_bytes() == PDF
    assert version.file.name.startswith(f"styrdokument/{document.pk}/")
    assert "Riktlinjer" not in version.file.name


def test_a_fake_pdf_is_refused_next_to_the_field_and_nothing_is_saved(client, strategist, media):
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    response = _upload(client, document, b"MZ\x90\x00 this is an executable", name="plattform.pdf")
    assert response.status_code == 200
    content = response.content.decode()
    assert "är inte en PDF-fil" in field_error(content, "file")
    assert not DocumentVersion.objects.exists()
    assert not media.exists() or not any(media.rglob("*.pdf"))


def test_a_file_over_the_size_limit_is_refused(client, strategist, settings):
    settings.ETABLERA_MAX_UPLOAD_MB = 1
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    big = PDF + b"0" * (1024 * 1024)
    response = _upload(client, document, big)
    assert response.status_code == 200
    assert "Filen är för stor (1,0 MB). Den får vara högst 1 MB." in field_error(
        response.content.decode(), "file"
    )
    assert not DocumentVersion.objects.exists()


def test_markdown_with_script_is_refused_next_to_the_field(client, strategist):
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    response = client.post(
        reverse("documents:version-create", args=[document.pk]),
        {"text": "# Plattform\n\n<script>alert('hej')</script>", "changes": ""},
    )
    assert response.status_code == 200
    content = response.content.decode()
    assert "Texten innehåller skript" in field_error(content, "text")
    assert not DocumentVersion.objects.exists()


def test_the_pdf_is_downloaded_through_the_policy(client, strategist, make_user):
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    _upload(client, document, PDF)
    version = DocumentVersion.objects.get()
    url = reverse("documents:version-file", args=[version.pk])

    client.force_login(make_user(Role.READER))
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    assert b"".join(response.streaming_content) == PDF

    client.logout()
    assert client.get(url).status_code == 302  # to the login page
    page = client.get(reverse("documents:version-detail", args=[version.pk]))
    assert version.file.url not in page.content.decode()


def test_the_version_page_never_links_to_the_media_url(client, strategist):
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    _upload(client, document, PDF)
    version = DocumentVersion.objects.get()
    for name in ("documents:version-detail", "documents:version-edit"):
        html = client.get(reverse(name, args=[version.pk])).content.decode()
        assert "/media/" not in html
        if name == "documents:version-detail":
            assert reverse("documents:version-file", args=[version.pk]) in html


def test_a_version_without_file_has_no_download(client, make_user):
    from tests.documents.factories import draft_version

    version = draft_version()
    client.force_login(make_user(Role.READER))
    assert client.get(reverse("documents:version-file", args=[version.pk])).status_code == 404


def test_replacing_a_drafts_pdf_removes_the_old_file(
    client, strategist, media, django_capture_on_commit_callbacks
):
    document = SteeringDocumentFactory()
    client.force_login(strategist)
    _upload(client, document, PDF, name="forsta.pdf")
    version = DocumentVersion.objects.get()
    first = media / version.file.name
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("documents:version-edit", args=[version.pk]),
            {"text": "", "changes": "", "file": SimpleUploadedFile("andra.pdf", PDF)},
        )
    version.refresh_from_db()
    assert version.file_name == "andra.pdf"
    assert (media / version.file.name).is_file()
    assert not first.exists()
