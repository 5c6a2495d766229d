"""The coach's participant list in the browser, at a desktop and a phone width: names, filters,
search by name, the next page; no sideways scroll of the page, axe-core clean. The import page
offers its template files."""

from __future__ import annotations

import re

import pytest

from tests.browser.conftest import axe_violations, login
from tests.browser.layout import layout_problems, screenshot

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("width", [1280, 390])
def test_the_coach_finds_their_people(browser, live_server, demo, width):
    from etablera.register.models import Participant

    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15000)
    problems: dict[str, list[str]] = {}

    def check(label: str) -> None:
        found = layout_problems(page, wide=width >= 1280) + axe_violations(page)
        if found:
            problems[label] = found

    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/register/deltagare/")
    check("list")
    screenshot(page, f"participant-list-{width}")
    rows = page.locator("main table tbody tr")
    assert rows.count() == 50
    first_name = rows.nth(0).locator("td").nth(0).inner_text()
    assert "," in first_name  # "Efternamn, Förnamn"

    # The next page continues where the first ended.
    with page.expect_navigation():
        page.click("text=Nästa sida")
    assert "efter=" in page.url
    assert rows.nth(0).locator("td").nth(0).inner_text() != first_name or rows.count() < 50
    check("next page")

    # Mine, by name: every row is the coach's, in alphabetical order.
    page.goto(f"{live_server.url}/register/deltagare/")
    page.check("#id_mina")
    page.select_option("#id_ordning", "namn")
    with page.expect_navigation():
        page.click("main form.filters button[type=submit]")
    assert "mina=on" in page.url
    mine = Participant.objects.filter(responsible_coach__username="coach")
    expected = sorted(mine.values_list("family_name", "given_name", "pk"))[:50]
    shown = page.locator("main table tbody tr td:first-child").all_inner_texts()
    assert shown == [f"{family}, {given}" for family, given, _pk in expected]
    check("mine by name")

    # Search by name: posted like a number, so neither is ever in a URL.
    family = expected[0][0]
    page.goto(f"{live_server.url}/register/deltagare/")
    page.fill("#id_namn", family)
    with page.expect_navigation():
        page.click("main button:has-text('Sök på namn')")
    assert family not in page.url
    found = page.locator("main table tbody tr td:first-child").all_inner_texts()
    assert found and all(family in name for name in found)
    check("name search")

    # A filter with nothing in it says so.
    page.fill("#id_namn", "Xyzzy")
    page.click("main button:has-text('Sök på namn')")
    assert "Inga deltagare matchar filtren" in page.inner_text("main")
    check("nothing found")

    page.goto(f"{live_server.url}/register/import/")
    check("import page")
    for link in page.locator("a[href*='/register/import/mall/']").all():
        assert re.search(
            r"/mall/(participants|enrolments)\.(csv|xlsx)$", link.get_attribute("href")
        )
    assert page.locator("a[href*='/register/import/mall/']").count() == 4
    context.close()
    assert not problems, "\n".join(f"{where}: {found}" for where, found in problems.items())
