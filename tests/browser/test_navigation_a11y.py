"""Each demo role signs in, visits every page of its navigation, and axe-core finds nothing."""

from __future__ import annotations

import pytest

from etablera.followup.models import Report, ReportStatus
from etablera.goals.models import Indicator
from etablera.web.demo import DEMO_USERS
from tests.browser.conftest import axe_violations, login
from tests.browser.layout import first_detail_link, layout_problems, screenshot

ROLES = [username for username, *_ in DEMO_USERS]


WIDTHS = [1280, 390]


@pytest.mark.parametrize("username", ROLES)
def test_every_page_in_the_role_navigation_fits_and_is_accessible(
    browser, live_server, demo, username
):
    """Every page of the role's navigation and the first item each of them lists, at a desktop
    and a phone width: no sideways scroll, no clipped chart text, axe clean; the start page is
    kept as a screenshot."""
    problems = {}
    visited: dict[int, list[str]] = {}
    for width in WIDTHS:
        context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        login(page, live_server, username)
        screenshot(page, f"start-{username}-{width}")
        links = page.eval_on_selector_all(
            ".main-nav a", "els => els.map(e => e.getAttribute('href'))"
        )
        assert links, "the navigation is empty"
        queue = ["/", *links, "/konto/", "/tillganglighet/", "/om-uppgifterna/"]
        seen: list[str] = []
        while queue:
            href = queue.pop(0)
            if href in seen:
                continue
            seen.append(href)
            response = page.goto(f"{live_server.url}{href}")
            assert response is not None and response.status < 400, f"{href}: {response.status}"
            found = layout_problems(page, wide=width >= 1280) + axe_violations(page)
            if found:
                problems[f"{href} at {width} px"] = found
            if href in links:  # a list in the menu: also the first item it lists
                detail = first_detail_link(page)
                if detail is not None:
                    queue.append(detail)
        visited[width] = seen
        context.close()
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())
    # The sweep went below the menu: at least one list led to an item's page.
    assert len(visited[WIDTHS[0]]) > len(links) + 3, visited[WIDTHS[0]]


def test_login_page_is_accessible_and_keyboard_usable(page, live_server, demo):
    page.goto(f"{live_server.url}/tillganglighet/")
    page.keyboard.press("Tab")
    assert "Hoppa till huvudinnehållet" in page.evaluate("document.activeElement.textContent")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    for path in (
        "/konto/glomt-losenord/",
        "/konto/glomt-losenord/skickat/",
        "/konto/aterstall/x/x/",  # a link that no longer works
        "/konto/aterstall/klart/",
    ):
        page.goto(f"{live_server.url}{path}")
        assert axe_violations(page) == [], path

    page.goto(f"{live_server.url}/konto/logga-in/")
    assert axe_violations(page) == []
    # The user name field has focus from the start; the rest is Tab and Enter.
    page.keyboard.type("strateg")
    page.keyboard.press("Tab")
    page.keyboard.type("etablera-demo")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{live_server.url}/")
    assert "Sara" in page.inner_text("h1")


def test_organisation_pages_are_accessible_at_200_percent_zoom(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    login(page, live_server, "strateg")
    page.goto(f"{live_server.url}/organisation/")
    page.click("text=Socialnämnden")
    assert "Arbetsmarknadsenheten" in page.content()
    assert axe_violations(page) == []
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 640 + 1, "the page scrolls sideways at 200% zoom"
    page.click("text=Ändra organ")
    assert axe_violations(page) == []
    page.fill("#id_active_from", "2025-05-01")
    page.fill("#id_active_to", "2025-01-01")
    page.click("main button[type=submit]")
    assert "Slutdatum kan inte ligga före startdatum." in page.content()
    assert axe_violations(page) == []
    context.close()


@pytest.mark.parametrize("javascript", [True, False])
def test_the_menu_folds_behind_a_button_on_a_phone(browser, live_server, demo, javascript):
    context = browser.new_context(
        locale="sv-SE", viewport={"width": 390, "height": 800}, java_script_enabled=javascript
    )
    page = context.new_page()
    login(page, live_server, "strateg")
    toggle = page.locator(".main-nav summary")
    first_link = page.locator(".main-nav a").first
    assert toggle.is_visible() and toggle.inner_text().strip() == "Meny"
    assert not first_link.is_visible()
    # Skip link, title, language, user, log out, then the menu button: opened by keyboard.
    toggle.focus()
    page.keyboard.press("Enter")
    assert first_link.is_visible()
    assert page.evaluate("document.querySelector('.main-nav details').open")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('.main-nav') !== null")
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Space")
    assert not first_link.is_visible()
    context.close()


def test_the_menu_is_a_row_of_links_on_a_desktop(page, live_server, demo):
    login(page, live_server, "strateg")
    assert not page.locator(".main-nav summary").is_visible()
    links = page.locator(".main-nav a")
    assert links.count() > 5
    assert all(links.nth(i).is_visible() for i in range(links.count()))
    # Laid out in a row or two, not one link a line.
    height = page.eval_on_selector(".main-nav", "el => el.getBoundingClientRect().height")
    assert height < 120


DEEP_PAGES = {
    "rapportor": lambda: [
        "/uppfoljning/rapporter/{}/skriv/".format(
            Report.objects.get(period__code="2026T3", body__short_name="SN").pk
        ),
    ],
    "strateg": lambda: [
        *(f"/mal/indikatorer/{pk}/" for pk in Indicator.objects.values_list("pk", flat=True)),
        *(
            f"/uppfoljning/perioder/{code}/sammanstallning/"
            for code in Report.objects.filter(status=ReportStatus.APPROVED)
            .values_list("period__code", flat=True)
            .distinct()
        ),
        "/statistik/?period=2025",
        "/statistik/?period=2025T1",
    ],
}


@pytest.mark.parametrize("username", sorted(DEEP_PAGES))
def test_pages_below_the_menu_fit_with_charts_whole(browser, live_server, demo, username):
    """The pages people found too wide or with cut charts: report writing, indicator trends,
    the consolidated report and the statistics at a short period."""
    paths = DEEP_PAGES[username]()
    assert paths
    problems = {}
    for width in WIDTHS:
        context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        login(page, live_server, username)
        for path in paths:
            response = page.goto(f"{live_server.url}{path}")
            assert response is not None and response.status < 400, f"{path}: {response.status}"
            if "sammanstallning" in path:
                screenshot(page, f"report-{path.split('/')[3]}-{width}")
            found = layout_problems(page, wide=width >= 1280)
            if found:
                problems[f"{path} at {width} px"] = found
        context.close()
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())
