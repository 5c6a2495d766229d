"""The administrator manages users in the application, at a desktop and a phone width: list,
create, grant a role, take it away, deactivate — every page axe-clean, without sideways
scroll, and without a participant in sight."""

from __future__ import annotations

from etablera.accounts.models import AccessLogEntry, User
from etablera.register.models import Participant
from tests.browser.conftest import axe_violations, login
from tests.browser.layout import layout_problems


def test_the_administrator_creates_a_user_grants_a_role_and_deactivates(browser, live_server, demo):
    problems: dict = {}
    for width, username in ((1280, "kim"), (390, "alva")):
        _manage(browser, live_server, width, username, problems)
    actions = set(AccessLogEntry.objects.filter(username="admin").values_list("action", flat=True))
    assert {"user.create", "role.grant", "role.revoke", "user.deactivate"} <= actions
    assert not problems, problems


def _manage(browser, live_server, width: int, username: str, problems: dict) -> None:
    context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)

    def check(label: str) -> None:
        found = layout_problems(page, wide=width >= 1280) + axe_violations(page)
        masked = list(Participant.objects.values_list("masked_identity", flat=True)[:50])
        found += [f"shows participant {m}" for m in masked if m in page.content()]
        if found:
            problems[f"{label} at {width} px"] = found

    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/konto/anvandare/")
    assert page.locator("table tbody tr").count() >= 6  # the demo users
    check("user list")
    page.click("main a:has-text('Ny användare')")
    page.wait_for_url("**/anvandare/ny/")
    check("new user form")
    page.fill("#id_username", username)
    page.fill("#id_first_name", "Kim")
    page.fill("#id_last_name", "Berg")
    page.click("main button[type=submit]")
    page.wait_for_selector(".message--success")
    kim = User.objects.get(username=username)
    assert page.url.endswith(f"/konto/anvandare/{kim.pk}/")
    check("new user's page")

    page.select_option("#id_role", "reader")
    page.click("main button:has-text('Ge rollen')")
    page.wait_for_selector("main .card-list li")
    assert "Läsare/förtroendevald" in page.inner_text("main .card-list")
    check("user with a role")
    page.click("main .card-list button")
    page.wait_for_selector("text=Användaren har inga roller")
    page.click("main button:has-text('Inaktivera kontot')")
    page.wait_for_selector("main button:has-text('Aktivera kontot igen')")
    check("deactivated user")
    kim.refresh_from_db()
    assert not kim.is_active
    actions = set(AccessLogEntry.objects.filter(username="admin").values_list("action", flat=True))
    assert {"user.create", "role.grant", "role.revoke", "user.deactivate"} <= actions
    context.close()
    assert not problems, problems
