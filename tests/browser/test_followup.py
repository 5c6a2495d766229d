"""A reporter fills in and submits the body's report; every follow-up and goal page is clean
under axe-core, including the error states."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from etablera.followup.models import Report, ReportStatus
from etablera.goals.models import Goal, Indicator
from tests.browser.conftest import axe_violations, login
from tests.browser.layout import layout_problems, screenshot_of


def check(page, problems: dict, label: str) -> None:
    found = axe_violations(page)
    if found:
        problems[label] = found


def test_a_reporter_fills_in_and_submits_the_report(page, live_server, demo):
    report = Report.objects.get(period__code="2026T3", body__short_name="SN")
    assert report.status == ReportStatus.DRAFT
    problems: dict = {}
    login(page, live_server, "rapportor")
    check(page, problems, "start")
    page.click("text=SN: rapport för Tertial 3 2026")
    page.wait_for_url(f"**/uppfoljning/rapporter/{report.pk}/")
    check(page, problems, "report detail")
    page.click("main a:has-text('Skriv rapporten')")
    page.wait_for_url("**/skriv/")
    check(page, problems, "report form")

    fieldsets = page.locator("fieldset.entry-form")
    count = fieldsets.count()
    assert count == report.entries.count() and count > 1
    # Leave the last entry unassessed: handing in is refused with a message.
    for i in range(count):
        entry = fieldsets.nth(i)
        label = "Uppfyllt" if i < count - 1 else "Ej bedömt"
        entry.get_by_label(label, exact=True).check()
        entry.get_by_label("Analys").fill(f"Analys av post {i + 1} skriven i webbläsaren.")
    page.click("main button[value=submit]")
    page.wait_for_selector(".error-summary")
    assert "saknar bedömning" in page.inner_text(".error-summary")
    check(page, problems, "report form with error")
    assert Report.objects.get(pk=report.pk).status == ReportStatus.DRAFT
    # What was written is still in the form (and may already be autosaved as a draft).
    assert fieldsets.nth(0).get_by_label("Analys").input_value() == (
        "Analys av post 1 skriven i webbläsaren."
    )

    fieldsets.nth(count - 1).get_by_label("Delvis uppfyllt", exact=True).check()
    page.click("main button[value=save]")
    page.wait_for_selector(".message--success")
    assert report.entries.filter(analysis__contains="webbläsaren").count() == count
    page.click("main button[value=submit]")
    page.wait_for_url(f"**/uppfoljning/rapporter/{report.pk}/")
    assert "Rapporten är inlämnad." in page.inner_text(".messages")
    check(page, problems, "submitted report")
    report.refresh_from_db()
    assert report.status == ReportStatus.SUBMITTED
    assert all(e.snapshot_at for e in report.entries.all())
    assert not problems, problems


def test_goal_and_followup_pages_are_accessible(page, live_server, demo):
    goal = Goal.objects.filter(indicators__isnull=False).first()
    indicator = Indicator.objects.filter(source="manual", values__isnull=False).first()
    submitted = Report.objects.get(period__code="2026T3", status=ReportStatus.SUBMITTED)
    approved = Report.objects.filter(period__code="2025H", body__short_name="KS").get()
    problems: dict = {}
    login(page, live_server, "strateg")
    pages = [
        "/mal/",
        f"/mal/{goal.pk}/",
        "/mal/nytt/",
        "/mal/indikatorer/",
        f"/mal/indikatorer/{indicator.pk}/",
        f"/mal/indikatorer/{indicator.pk}/malvarden/nytt/",
        f"/mal/indikatorer/{indicator.pk}/varden/nytt/",
        "/uppfoljning/",
        "/uppfoljning/perioder/ny/",
        "/uppfoljning/perioder/2026T3/",
        "/uppfoljning/rapporter/",
        f"/uppfoljning/rapporter/{approved.pk}/",
        f"/uppfoljning/rapporter/{submitted.pk}/",
        f"/uppfoljning/rapporter/{submitted.pk}/godkann/",
        f"/uppfoljning/rapporter/{submitted.pk}/aterremittera/",
        "/uppfoljning/perioder/2025H/sammanstallning/",
    ]
    for href in pages:
        response = page.goto(f"{live_server.url}{href}")
        assert response is not None and response.status == 200, href
        check(page, problems, href)

    # Error states: a value in the wrong unit, a target outside the goal's validity, an
    # overlapping period, a return without a comment.
    page.goto(f"{live_server.url}/mal/indikatorer/{indicator.pk}/varden/nytt/")
    page.fill("#id_period", "2026T2")
    page.fill("#id_value", "mycket")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    check(page, problems, "value form with error")
    page.goto(f"{live_server.url}/mal/indikatorer/{indicator.pk}/malvarden/nytt/")
    page.fill("#id_year", "2035")
    page.fill("#id_value", "50")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    assert "utanför giltighetstiden" in page.inner_text(".error-summary")
    check(page, problems, "target form with error")
    page.goto(f"{live_server.url}/uppfoljning/perioder/ny/")
    page.fill("#id_code", "2026-EXTRA")
    page.select_option("#id_kind", "tertial")
    page.fill("#id_name", "Extra")
    page.fill("#id_start", "2026-10-01")
    page.fill("#id_end", "2026-10-31")
    page.fill("#id_deadline", "2026-11-15")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    check(page, problems, "period form with error")
    page.goto(f"{live_server.url}/uppfoljning/rapporter/{submitted.pk}/aterremittera/")
    page.click("main button[type=submit]")
    page.wait_for_selector(".error-summary")
    check(page, problems, "return form with error")

    for username in ("lasare", "revisor"):
        page.context.clear_cookies()
        login(page, live_server, username)
        page.goto(f"{live_server.url}/uppfoljning/perioder/2026D/sammanstallning/")
        check(page, problems, f"consolidated report as {username}")
    assert not problems, problems


@pytest.mark.parametrize("username", ["strateg", "lasare"])
def test_the_consolidated_report_opens_with_a_summary_that_fits_one_screen(
    browser, live_server, demo, username
):
    """At 1280 × 900 the summary — per body, per policy area, key figures, deviations — fits
    the screen and is kept as a screenshot; at 1280 and 390 px nothing scrolls sideways and
    axe finds nothing."""
    problems = {}
    for width in (1280, 390):
        context = browser.new_context(locale="sv-SE", viewport={"width": width, "height": 900})
        page = context.new_page()
        page.set_default_timeout(30_000)
        login(page, live_server, username)
        page.goto(f"{live_server.url}/uppfoljning/perioder/2025H/sammanstallning/")
        summary = page.locator("#sammanfattning")
        assert summary.locator("table").count() == 4
        if width == 1280:
            box = summary.bounding_box()
            assert box is not None and box["height"] <= 900, box
            path = screenshot_of(summary, f"consolidated-summary-{username}-{width}")
            assert path.stat().st_size > 10_000
            # The summary comes before the details: the contents fold away above it.
            assert page.locator("details.report-toc").get_attribute("open") is None
        found = layout_problems(page, wide=width >= 1280) + axe_violations(page)
        if found:
            problems[width] = found
        context.close()
    assert not problems, problems


def test_the_draft_is_saved_while_typing_and_a_colleagues_save_is_never_overwritten(
    page, live_server, demo
):
    from etablera.followup import services

    violations: list[str] = []
    page.on(
        "console",
        lambda m: violations.append(m.text) if "Content Security Policy" in m.text else None,
    )
    report = Report.objects.get(period__code="2026T3", body__short_name="SN")
    login(page, live_server, "rapportor")
    page.goto(f"{live_server.url}/uppfoljning/rapporter/{report.pk}/skriv/")
    first = page.locator("fieldset.entry-form").first
    first.get_by_label("Analys").fill("Skrivet i webbläsaren och sparat av sig självt.")
    expect(page.locator("#autosave-status")).to_contain_text("sparades automatiskt")
    assert report.entries.filter(analysis__startswith="Skrivet i webbläsaren").count() == 1
    assert Report.objects.get(pk=report.pk).status == report.status  # never handed in

    # A colleague saves meanwhile: the next autosave is refused and says so …
    services.update_report(
        report,
        {e.pk: {"analysis": "Kollegans text."} for e in report.entries.all()},
        actor=None,
    )
    first.get_by_label("Analys").fill("Min andra mening.")
    expect(page.locator("#autosave-status")).to_contain_text("Sparas inte automatiskt")
    # … and saving shows both texts, keeping mine in the field and the colleague's saved.
    page.click("main button[value=save]")
    expect(page.locator(".error-summary")).to_contain_text("Dina ändringar är inte sparade")
    assert first.get_by_label("Analys").input_value() == "Min andra mening."
    expect(first.locator(".stored-version")).to_contain_text("Kollegans text.")
    assert set(report.entries.values_list("analysis", flat=True)) == {"Kollegans text."}
    assert axe_violations(page) == []
    assert not layout_problems(page, wide=True)
    page.set_viewport_size({"width": 390, "height": 900})
    assert not layout_problems(page)
    assert violations == []
