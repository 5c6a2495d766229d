"""A reporter fills in and submits the body's report; every follow-up and goal page is clean
under axe-core, including the error states."""

from __future__ import annotations

from etablera.followup.models import Report, ReportStatus
from etablera.goals.models import Goal, Indicator
from tests.browser.conftest import axe_violations, login


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
    # Leave the last entry unassessed: submitting is refused with a message, nothing saved.
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
    assert not report.entries.filter(analysis__contains="webbläsaren").exists()

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
