"""An auditor records a follow-up of a recommendation; every audit page passes axe-core."""

from __future__ import annotations

from etablera.audits.models import Action, Audit, AuditorFollowUp
from tests.browser.conftest import axe_violations, login


def test_an_auditor_records_a_follow_up(page, live_server, demo):
    login(page, live_server, "revisor")
    page.click(".main-nav >> text=Granskningar")
    assert page.locator("h1").inner_text() == "Granskningar"
    assert axe_violations(page) == []

    page.click("text=Granskning av kommunens arbete med integration och arbetsmarknadsinsatser")
    assert "Revisionsfrågor" in page.content()
    assert axe_violations(page) == []

    page.click("text=Rekommendation 3: åtgärder, underlag och spårbarhet")
    assert "Spårbarhet: från rekommendation till resultat" in page.content()
    assert axe_violations(page) == []

    page.click("main >> text=Registrera revisorernas bedömning")
    assert axe_violations(page) == []
    page.fill("#id_date", "")
    page.click("main button[type=submit]")
    assert "Formuläret innehåller fel" in page.content()
    assert axe_violations(page) == []

    page.fill("#id_date", "2024-11-20")
    page.check("input[name=assessment][value=partly]")
    page.fill("#id_comment", "Ansvaret är utsett men målen saknas.")
    page.click("main button[type=submit]")
    page.wait_for_selector("text=Revisorernas bedömning har registrerats.")
    assert "Ansvaret är utsett men målen saknas." in page.content()
    assert axe_violations(page) == []
    rec = Audit.objects.get().recommendations.get(number=3)
    latest = AuditorFollowUp.objects.filter(recommendation=rec).order_by("-date").first()
    assert latest.assessment == "partly" and latest.recorded_by.username == "revisor"


def test_auditor_forms_are_accessible(page, live_server, demo):
    audit = Audit.objects.get()
    question = audit.questions.first()
    rec = audit.recommendations.first()
    login(page, live_server, "revisor")
    for url in [
        "/granskningar/ny/",
        f"/granskningar/{audit.pk}/andra/",
        f"/granskningar/{audit.pk}/fragor/ny/",
        f"/granskningar/{audit.pk}/fragor/{question.pk}/andra/",
        f"/granskningar/{audit.pk}/rekommendationer/ny/",
        f"/granskningar/{audit.pk}/rekommendationer/{rec.pk}/andra/",
    ]:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        assert axe_violations(page) == [], url
    # An auditor may not change what a body has decided to do.
    action = Action.objects.filter(recommendation__audit=audit).first()
    response = page.goto(f"{live_server.url}/granskningar/atgarder/{action.pk}/andra/")
    assert response is not None and response.status == 403


def test_the_bodys_forms_are_accessible_and_refuse_bad_input(page, live_server, demo):
    audit = Audit.objects.get()
    rec = audit.recommendations.get(number=1)
    action = rec.actions.first()
    login(page, live_server, "strateg")
    for url in [
        f"/granskningar/{audit.pk}/",
        f"/granskningar/rekommendationer/{rec.pk}/",
        f"/granskningar/{audit.pk}/svar/nytt/?rekommendation={rec.pk}",
        f"/granskningar/rekommendationer/{rec.pk}/underlag/nytt/",
        f"/granskningar/atgarder/{action.pk}/underlag/nytt/",
        f"/granskningar/atgarder/{action.pk}/andra/",
    ]:
        response = page.goto(f"{live_server.url}{url}")
        assert response is not None and response.status == 200, url
        assert axe_violations(page) == [], url

    page.goto(f"{live_server.url}/granskningar/rekommendationer/{rec.pk}/atgarder/ny/")
    assert axe_violations(page) == []
    page.fill("#id_description", "Ny ansvarsmatris")
    page.select_option("#id_responsible_body", label="Kommunstyrelsen")
    page.fill("#id_responsible_person", "Kommundirektören")
    page.fill("#id_due_date", "2021-01-01")
    page.click("main button[type=submit]")
    assert "före granskningens publicering (2022-09-30)" in page.content()
    assert axe_violations(page) == []
    assert not Action.objects.filter(description="Ny ansvarsmatris").exists()


def test_governance_pages_are_accessible(page, live_server, demo):
    login(page, live_server, "strateg")
    assert "Styrningskontroll" in page.content()  # the start-page panel
    page.click(".main-nav >> text=Styrningskontroll")
    assert page.locator("h1").inner_text() == "Styrningskontroll"
    assert axe_violations(page) == []
    page.click("nav[aria-label='Styrningskontroll per organ'] >> text=Socialnämnden")
    assert "Styrningskontroll för Socialnämnden" in page.content()
    assert axe_violations(page) == []
    page.goto(f"{live_server.url}/styrningskontroll/?severity=error")
    assert axe_violations(page) == []
