"""Steering documents in the browser: a reporter acknowledges; every page passes axe-core."""

from __future__ import annotations

from playwright.sync_api import expect

from etablera.documents.models import Acknowledgement, DocumentVersion, SteeringDocument
from tests.browser.conftest import axe_violations, login


def test_reporter_acknowledges_a_document(page, live_server, demo):
    login(page, live_server, "rapportor")
    # The start page tells the reporter what is waiting, and the menu leads there.
    assert "Styrdokument att kvittera" in page.content()
    page.click(".main-nav >> text=Att kvittera")
    page.wait_for_url(f"{live_server.url}/styrdokument/att-kvittera/")
    assert axe_violations(page) == []

    page.click("main table a.button")
    assert "Kvittera Program för social hållbarhet 2024–2027" in page.inner_text("h1")
    assert axe_violations(page) == []

    page.click("main button[type=submit]")  # nothing written: refused, next to the field
    expect(page.locator(".error-summary")).to_be_visible()
    expect(page.locator("[id^=id_text_error]")).to_be_visible()
    assert axe_violations(page) == []

    page.fill(
        "#id_text",
        "Socialnämnden har tagit in programmets mål i verksamhetsplanen. Försörjningsstöds- "
        "och arbetsmarknadsenheterna redovisar sina åtgärder i delårsrapporten.",
    )
    page.click("main button[type=submit]")
    page.wait_for_url(f"{live_server.url}/styrdokument/att-kvittera/")
    assert "har kvitterat Program för social hållbarhet" in page.inner_text(".messages")
    assert "Inga styrdokument väntar på kvittens" in page.content()
    ack = Acknowledgement.objects.get(
        distribution__version__document__title="Program för social hållbarhet 2024–2027",
        distribution__body__short_name="SN",
    )
    assert ack.acknowledged_by.username == "rapportor"
    assert axe_violations(page) == []


def test_document_pages_are_accessible(page, live_server, demo):
    login(page, live_server, "strateg")
    platform = SteeringDocument.objects.get(title="Plattform för integrationssamverkan")
    current = platform.versions.get(status="adopted")
    guidelines = DocumentVersion.objects.get(document__title__startswith="Riktlinjer")
    problems = {}

    def check(path: str) -> None:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        found = axe_violations(page)
        if found:
            problems[path] = found

    check("/styrdokument/")
    assert "Revision försenad" in page.content()
    page.click("text=Plattform för integrationssamverkan")
    assert axe_violations(page) == []
    for path in (
        f"/styrdokument/versioner/{current.pk}/",
        f"/styrdokument/versioner/{current.pk}/tackning/",
        f"/styrdokument/versioner/{current.pk}/skicka/",
        f"/styrdokument/versioner/{guidelines.pk}/",
        f"/styrdokument/{platform.pk}/andra/",
        f"/styrdokument/{platform.pk}/versioner/ny/",
        "/styrdokument/nytt/",
        "/styrdokument/tackning/",
    ):
        check(path)
    assert "Kultur- och fritidsnämnden" in page.content()
    page.click("text=Kultur- och fritidsnämnden")
    assert "Plattform för integrationssamverkan, version 2" in page.content()
    assert axe_violations(page) == []

    # An error state: Markdown with script is refused with a message next to the field.
    page.goto(f"{live_server.url}/styrdokument/{platform.pk}/versioner/ny/")
    page.fill("#id_text", "# Ny version\n\n<script>alert('x')</script>")
    page.click("main button[type=submit]")
    assert "Texten innehåller skript" in page.inner_text("[id^=id_text_error]")
    assert axe_violations(page) == []
    assert not problems, problems
