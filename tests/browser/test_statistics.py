"""The labour-market dashboard: charts with their tables, suppression, bad input; axe-core clean."""

from __future__ import annotations

from tests.browser.conftest import axe_violations, login


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_the_dashboard_for_a_strategist_and_a_coach(page, live_server, demo):
    problems: dict = {}
    login(page, live_server, "strateg")
    page.click("nav.main-nav >> text=Arbetsmarknadsinsatser")
    assert page.inner_text("h1") == "Arbetsmarknadsinsatser"
    check(page, problems, "dashboard")

    page.fill("#id_period", "2025")
    page.click("main button[type=submit]")
    page.wait_for_url("**/statistik/?*period=2025*")
    main = page.inner_text("main")
    assert "Hela kommunen" in main
    assert "Nyckeltal per insatskategori" in main
    # Every chart is an image with a name, and its figures are in a table beside it.
    charts = page.locator("main svg[role=img]")
    assert charts.count() >= 5
    assert page.locator("main figure table").count() == charts.count()
    check(page, problems, "dashboard 2025")

    page.fill("#id_period", "2025-02-03..2025-02-20")
    page.click("main button[type=submit]")
    assert "är ingen av dem" in page.inner_text("main")
    check(page, problems, "dashboard with a bad period")

    context = page.context
    context.clear_cookies()
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/statistik/?period=2025")
    assert "Arbetsmarknadsenheten" in page.inner_text("main")
    assert "Hela kommunen" not in page.inner_text("main")
    check(page, problems, "dashboard for a coach")
    assert not problems, problems


def test_with_protection_set_up_wrong_the_pages_say_so(page, live_server, demo, settings):
    """Settings that would switch protection off: the dashboard is refused by a page that says
    why, the start page's KPI panel in place; both axe-clean."""
    problems: dict = {}
    login(page, live_server, "strateg")
    settings.ETABLERA_NOISE_MAX = 0
    response = page.goto(f"{live_server.url}/statistik/?period=2025")
    assert response is not None and response.status == 503
    assert page.inner_text("h1") == "Inga siffror visas just nu"
    check(page, problems, "refused dashboard")
    page.goto(f"{live_server.url}/")
    assert "Röjandekontrollen är felaktigt inställd" in page.inner_text("main")
    check(page, problems, "start page without figures")
    assert not problems, problems
