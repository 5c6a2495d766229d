"""Playwright driving Debian's Chromium against the live test server; axe-core on every page.

Never downloads a browser: it launches /usr/bin/chromium (``apt-get install chromium``), or
the one named by ETABLERA_CHROMIUM.
"""

from __future__ import annotations

import os
import shutil

import pytest

from etablera.web.demo import DEMO_PASSWORD

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs a loop

CHROMIUM = os.environ.get("ETABLERA_CHROMIUM", "/usr/bin/chromium")
ARGS = [
    "--no-sandbox",
    "--headless",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(scope="session", autouse=True)
def _one_request_at_a_time():
    """The live server answers each request in a thread of its own, but on the tests'
    in-memory SQLite database all of them share one connection: two requests at once (the
    report form's autosave beside its submit) opened a transaction inside the other's
    ("cannot start a transaction within a transaction"). A deployment has a connection per
    thread; here the requests take turns."""
    import threading

    from django.core.handlers.wsgi import WSGIHandler

    turn = threading.RLock()
    original = WSGIHandler.__call__

    def in_turn(self, environ, start_response):
        with turn:
            return original(self, environ, start_response)

    WSGIHandler.__call__ = in_turn  # type: ignore[method-assign]
    yield
    WSGIHandler.__call__ = original  # type: ignore[method-assign]


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(f"Chromium not found at {CHROMIUM}: apt-get install chromium")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="sv-SE", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    _settle_after_clicks(page)
    yield page
    context.close()


def _settle_after_clicks(page) -> None:
    """Every click returns only once the page it led to has loaded.

    Playwright's click waits for a navigation to commit, not for the new document to be
    parsed; a check straight after a form post could otherwise read a half-loaded page.
    """
    click = page.click

    def click_and_settle(*args, **kwargs):
        click(*args, **kwargs)
        page.wait_for_load_state("load")

    page.click = click_and_settle


@pytest.fixture
def demo(transactional_db):
    """The small demo, loaded into the live server's database."""
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("loaddemo", small=True, quiet_users=True, stdout=devnull)


def login(page, live_server, username: str, password: str = DEMO_PASSWORD) -> None:
    page.goto(f"{live_server.url}/konto/logga-in/")
    page.fill("#id_username", username)
    page.fill("#id_password", password)
    page.click("main button[type=submit]")
    home = f"{live_server.url}/"
    # The post may still be on its way when the click returns: wait for where it leads.
    page.wait_for_url(lambda url: url == home or "/konto/tvafaktor/" in url)
    if "/konto/tvafaktor/" in page.url:
        # Demo coaches and administrators sign in with the demo's known authenticator.
        page.fill("#id_token", demo_code(username))
        page.click("main button[type=submit]")
    page.wait_for_url(home)


def demo_code(username: str) -> str:
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from etablera.accounts.twofactor import current_code

    return current_code(TOTPDevice.objects.get(user__username=username, confirmed=True))


def axe_violations(page) -> list[str]:
    """WCAG 2.0/2.1 A and AA violations on the current page, as readable lines."""
    from axe_playwright_python.sync_playwright import Axe

    result = Axe().run(
        page,
        options={
            "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]}
        },
    )
    lines = []
    for violation in result.response["violations"]:
        targets = [", ".join(node["target"]) for node in violation["nodes"]][:5]
        lines.append(f"{violation['id']}: {violation['help']} at {targets}")
    return lines
