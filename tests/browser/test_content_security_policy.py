"""The Content-Security-Policy holds in a real browser: pages, charts, the API docs and the
Django admin work with no inline script or style, and Chromium reports no violation."""

from __future__ import annotations

from tests.browser.conftest import axe_violations, login


def _collect_violations(page) -> list[str]:
    violations: list[str] = []
    page.on(
        "console",
        lambda message: (
            violations.append(message.text) if "Content Security Policy" in message.text else None
        ),
    )
    return violations


def _inline_style_is_refused(page, violations: list[str]) -> bool:
    """The control: an inline style attribute added now must be reported."""
    before = len(violations)
    page.evaluate("document.body.insertAdjacentHTML('beforeend', '<p style=\"color:red\">x</p>')")
    page.wait_for_timeout(200)
    return len(violations) > before


def test_coach_pages_and_the_token_page_run_under_the_policy(page, live_server, demo):
    violations = _collect_violations(page)
    login(page, live_server, "coach")
    links = page.eval_on_selector_all(".main-nav a", "els => els.map(e => e.getAttribute('href'))")
    for href in [*links, "/konto/", "/register/deltagare/"]:
        page.goto(f"{live_server.url}{href}")
    page.click("main table a[href*='/register/deltagare/']")

    page.goto(f"{live_server.url}/konto/api-nycklar/")
    assert axe_violations(page) == []
    page.fill("#id_name", "Verksamhetssystemet")
    page.click("main form button[type=submit]")
    key = page.inner_text("#new-key")
    assert key.startswith("etb_")
    assert axe_violations(page) == []
    page.click("text=Återkalla")
    assert "är återkallad" in page.content()
    assert key not in page.content()

    assert violations == []
    assert _inline_style_is_refused(page, violations)


def test_charts_api_docs_and_admin_run_under_the_policy(page, live_server, demo):
    violations = _collect_violations(page)
    login(page, live_server, "strateg")
    for href in ["/statistik/", "/organisation/", "/uppdrag/ansvarsmatris/"]:
        page.goto(f"{live_server.url}{href}")
    page.goto(f"{live_server.url}/api/docs/")
    page.wait_for_selector(".swagger-ui .opblock", timeout=30000)
    page.context.clear_cookies()
    login(page, live_server, "admin")
    page.goto(f"{live_server.url}/admin/accounts/user/")
    page.click("text=coach")
    page.wait_for_selector("#role_assignments-group")
    assert violations == []
    assert _inline_style_is_refused(page, violations)
