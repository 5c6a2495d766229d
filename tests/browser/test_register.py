"""The coach registers a participant and enrols them; every register page passes axe-core."""

from __future__ import annotations

import re

from tests.browser.conftest import axe_violations, login
from tests.register.factories import next_number


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_coach_registers_and_enrols_a_participant(page, live_server, demo):
    problems: dict = {}
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/register/deltagare/")
    check(page, problems, "search")
    page.click("text=Registrera deltagare")
    check(page, problems, "register form")

    # A wrong check digit: a Swedish message, and the number is not put back in the page.
    number = next_number()
    wrong = number[:-1] + str((int(number[-1]) + 1) % 10)
    page.fill("#id_identity_number", wrong)
    page.select_option("#id_education_level", "upper_secondary")
    page.click("main button[type=submit]")
    assert "Kontrollsiffran i identitetsnumret stämmer inte." in page.inner_text("main")
    assert wrong not in page.content()
    check(page, problems, "register form with errors")

    page.fill("#id_identity_number", f"{number[:8]}-{number[8:]}")
    page.select_option("#id_country_of_birth", "SY")
    page.fill("#id_received_on", "2025-03-01")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/register/deltagare/\d+/$"))
    assert f"{number[:8]}-****" in page.inner_text("h1")
    assert number[8:] not in page.inner_text("main")
    check(page, problems, "participant page")

    page.click("text=Skriv in i insats")
    check(page, problems, "enrol form")
    page.select_option("#id_intervention", label="Språkpraktik")
    page.fill("#id_start", "2025-04-01")
    page.select_option("#id_status_at_start", label="Arbetssökande")
    page.select_option("#id_livelihood_at_start", "establishment_benefit")
    page.fill("#id_hours_per_week", "20")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/register/deltagare/\d+/$"))
    assert "Språkpraktik" in page.inner_text("main table")
    check(page, problems, "participant page with enrolment")

    page.click("main table >> text=Avsluta")
    check(page, problems, "end form")
    page.fill("#id_end", "2025-06-30")
    page.select_option("#id_exit_status", label="Studier")
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/register/deltagare/\d+/$"))
    assert "Studier" in page.inner_text("main table")

    page.click("main table >> text=Registrera uppföljning")
    check(page, problems, "observation form")

    page.goto(f"{live_server.url}/register/deltagare/")
    page.fill("#id_query", number[2:])
    page.click("main form[method=post] button[type=submit]")
    page.wait_for_url(re.compile(r".*/register/deltagare/\d+/$"))
    assert number not in page.url and number[2:] not in page.url
    page.click("text=Visa hela numret")
    assert f"{number[:8]}-{number[8:]}" in page.inner_text("main")
    check(page, problems, "revealed number")

    for path in [
        "/register/uppfoljningar/",
        "/register/import/",
        "/register/insatser/",
        "/register/insatser/ny/",
    ]:
        page.goto(f"{live_server.url}{path}")
        check(page, problems, path)
    page.goto(f"{live_server.url}/register/insatser/")
    page.click("main table a >> nth=0")
    check(page, problems, "intervention page")
    assert not problems, problems


def test_import_page_shows_errors_accessibly(page, live_server, demo, tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"  # the error report is written there
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/register/import/")
    bad = tmp_path / "deltagare.csv"
    bad.write_text("Personnummer;Kön\n19900101-0018;Q\n", encoding="utf-8")
    page.select_option("#id_kind", "participants")
    page.set_input_files("#id_file", str(bad))
    page.click("main button[type=submit]")
    text = page.inner_text("main")
    assert "Ingenting sparades" in text
    assert "19900101-****" in text and "19900101-0018" not in text
    assert axe_violations(page) == []


def test_strategist_sees_interventions_but_not_participants(page, live_server, demo):
    login(page, live_server, "strateg")
    links = page.eval_on_selector_all(".main-nav a", "els => els.map(e => e.textContent)")
    assert "Insatser" in " ".join(links) and "Deltagare" not in " ".join(links)
    page.goto(f"{live_server.url}/register/insatser/")
    assert "Uppdrag saknas" in page.inner_text("main")
    assert axe_violations(page) == []
    response = page.goto(f"{live_server.url}/register/deltagare/")
    assert response.status == 403
