"""Kolada: the indicator's comparison chart and the comparison-group page; axe-core clean."""

from __future__ import annotations

from tests.browser.conftest import axe_violations, login


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_comparison_chart_and_comparison_group(page, live_server, demo):
    from etablera.goals.models import Indicator

    problems: dict = {}
    login(page, live_server, "strateg")
    page.click("nav.main-nav >> text=Kolada")
    assert "Kolada" in page.inner_text("h1")
    assert "N00973" in page.inner_text("main") and "Exempeltal" in page.inner_text("main")
    check(page, problems, "overview")

    page.click("text=N00973")
    assert "Exempeltal" in page.inner_text("main")
    assert page.locator("main svg[role=img]").count() == 3
    check(page, problems, "kpi")

    page.goto(f"{live_server.url}/kolada/nyckeltal/sok/?q=ab")
    assert "minst tre tecken" in page.inner_text("main")
    check(page, problems, "search")

    indicator = Indicator.objects.get(source="kolada")
    page.goto(f"{live_server.url}/mal/indikatorer/{indicator.pk}/")
    section = page.locator("section.kolada-comparison")
    assert section.locator("svg[role=img]").count() == 3  # total, women, men
    assert section.locator("figure table").count() == 3
    assert "Källa: Kolada (RKA), N00973, hämtat 2025-11-20." in section.inner_text()
    assert "saknas (Missing)" in section.inner_text()
    check(page, problems, "indicator")

    page.goto(f"{live_server.url}/kolada/jamforelsegrupp/")
    assert "1488 Trollhättan" in page.inner_text("main")
    page.select_option("#id_grupp", "EX-FYRBODAL")
    page.click("text=Använd som utgångspunkt")
    page.wait_for_url("**grupp=EX-FYRBODAL")
    assert page.input_value("#id_codes") == "1487, 1488, 1492"
    check(page, problems, "comparison group from a Kolada group")
    page.fill("#id_codes", "1488, 14x2")
    page.click("text=Spara jämförelsegruppen")
    assert "Ogiltiga kommunkoder: 14x2" in page.inner_text("main")
    check(page, problems, "comparison group with a bad code")
    page.fill("#id_codes", "1488, 1492")
    page.click("text=Spara jämförelsegruppen")
    assert "Jämförelsegruppen har sparats." in page.inner_text("main")
    assert "1492 Åmål" in page.inner_text("main")
    assert not problems, problems
