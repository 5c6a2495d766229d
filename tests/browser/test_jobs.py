"""A large upload becomes a background job: its page keeps itself up to date (htmx) and shows the
result when the worker is done; the job pages pass axe-core."""

from __future__ import annotations

import re

from etablera.jobs.worker import run_pending
from tests.browser.conftest import axe_violations, login
from tests.register.factories import next_number


def test_a_large_import_is_followed_on_its_job_page(page, live_server, demo, settings):
    settings.ETABLERA_BACKGROUND_IMPORT_KB = 0
    problems: dict = {}
    login(page, live_server, "coach")
    page.goto(f"{live_server.url}/register/import/")
    rows = ["Personnummer;Kön"] + [f"{next_number()};K" for _ in range(5)]
    page.select_option("#id_kind", "participants")
    page.set_input_files(
        "#id_file",
        files=[
            {
                "name": "deltagare.csv",
                "mimeType": "text/csv",
                "buffer": ("\n".join(rows) + "\n").encode(),
            }
        ],
    )
    page.click("main button[type=submit]")
    page.wait_for_url(re.compile(r".*/jobb/\d+/$"))
    assert "I kö" in page.inner_text("main")
    if found := axe_violations(page):
        problems["queued job"] = found

    run_pending()

    # No reload: the page asks for news every few seconds and swaps the status in.
    page.wait_for_selector("text=Importen är klar", timeout=20000)
    assert "Nya" in page.inner_text("#job-status")
    if found := axe_violations(page):
        problems["finished job"] = found
    page.goto(f"{live_server.url}/jobb/")
    assert "Import från fil" in page.inner_text("main table")
    if found := axe_violations(page):
        problems["job list"] = found
    assert not problems, problems
