"""Forms that know their context, in the browser at a desktop and a phone width: a decision
registered in place on the approval page (htmx, and the same without JavaScript), the period
code filling the period form, the origin filling the commissioner, and a mandate's page with
its assessments and interventions. Each page axe-clean and without sideways scroll."""

from __future__ import annotations

from playwright.sync_api import expect

from etablera.followup.models import Period, Report, ReportStatus
from etablera.mandates.models import Decision, Mandate
from etablera.organisation.models import Body, BodyKind
from tests.browser.conftest import axe_violations, login
from tests.browser.layout import layout_problems

WIDTHS = [1280, 390]


def _open(browser, width: int, *, javascript: bool = True):
    context = browser.new_context(
        locale="sv-SE",
        viewport={"width": width, "height": 900},
        java_script_enabled=javascript,
    )
    page = context.new_page()
    page.set_default_timeout(30_000)
    return context, page


def _check(page, problems: dict, label: str, width: int) -> None:
    found = layout_problems(page, wide=width >= 1280) + axe_violations(page)
    if found:
        problems[f"{label} at {width} px"] = found


def test_a_decision_registered_in_place_is_chosen_and_approves_the_report(
    browser, live_server, demo
):
    report = Report.objects.get(period__code="2026T3", status=ReportStatus.SUBMITTED)
    url = f"{live_server.url}/uppfoljning/rapporter/{report.pk}/godkann/"
    problems: dict = {}

    # With htmx, on a phone: the approval part is swapped, the new decision chosen and focused.
    context, page = _open(browser, 390)
    login(page, live_server, "strateg")
    page.goto(url)
    _check(page, problems, "approval", 390)
    page.click("details.new-decision summary")
    assert page.input_value("#id_beslut-title").startswith("Godkännande av ")
    page.fill("#id_beslut-section", "§ 901")
    _check(page, problems, "approval with the decision form open", 390)
    page.click("details.new-decision button[type=submit]")
    page.wait_for_selector("#approval-status:has-text('registrerat')")
    decision = Decision.objects.get(section="§ 901")
    assert page.input_value("#id_decision") == str(decision.pk)
    assert page.evaluate("document.activeElement.id") == "id_decision"
    assert "beslut=" not in page.url  # swapped in place, no reload
    _check(page, problems, "approval after registering", 390)
    context.close()

    # On a desktop, the page as it loads; then without JavaScript (where axe cannot run): a
    # refusal in place, the page reloading with the decision chosen, and approving with it.
    context, page = _open(browser, 1280)
    login(page, live_server, "strateg")
    page.goto(url)
    _check(page, problems, "approval", 1280)
    context.close()
    context, page = _open(browser, 1280, javascript=False)
    login(page, live_server, "strateg")
    page.goto(url)
    page.click("details.new-decision summary")
    page.fill("#id_beslut-date", "2020-01-01")
    page.click("details.new-decision button[type=submit]")
    page.wait_for_selector("details.new-decision[open] .error-summary")
    assert "innan perioden började" in page.inner_text("details.new-decision")
    page.fill("#id_beslut-date", "2026-12-01")
    page.fill("#id_beslut-section", "§ 902")
    page.click("details.new-decision button[type=submit]")
    page.wait_for_url("**/godkann/?beslut=*")
    decision = Decision.objects.get(section="§ 902")
    assert page.input_value("#id_decision") == str(decision.pk)
    assert "registrerat och valt" in page.inner_text(".messages")
    page.click("#approval form:first-of-type button[type=submit]")
    page.wait_for_url(f"**/uppfoljning/rapporter/{report.pk}/")
    report.refresh_from_db()
    assert (report.status, report.decision) == (ReportStatus.APPROVED, decision)
    context.close()
    assert not problems, problems


def test_the_code_fills_the_period_form_the_origin_the_commissioner_and_the_mandate_page(
    browser, live_server, demo
):
    ks = Body.objects.get(kind=BodyKind.EXECUTIVE_BOARD)
    mandate = (
        Mandate.objects.filter(interventions__isnull=False, report_entries__isnull=False)
        .distinct()
        .first()
    )
    assert mandate is not None, "the demo has a mandate with interventions and assessments"
    intervention = mandate.interventions.first()
    problems: dict = {}
    for width, code, start, end, deadline in (
        (1280, "2028T2", "2028-05-01", "2028-08-31", "2028-10-12"),
        (390, "2029T1", "2029-01-01", "2029-04-30", "2029-06-11"),
    ):
        context, page = _open(browser, width)
        login(page, live_server, "strateg")
        page.goto(f"{live_server.url}/uppfoljning/perioder/ny/")
        page.locator("#id_code").press_sequentially(code)
        expect(page.locator("#id_start")).to_have_value(start, timeout=30_000)
        assert page.input_value("#id_end") == end
        assert page.input_value("#id_deadline") == deadline  # six weeks after the end
        assert page.input_value("#id_kind") == "tertial"
        _check(page, problems, "period form filled", width)
        page.click("main form button[type=submit]")
        page.wait_for_url(f"**/uppfoljning/perioder/{code}/")
        assert Period.objects.filter(code=code).exists()

        page.goto(f"{live_server.url}/uppdrag/register/nytt/")
        page.get_by_label("Uppdrag från kommunstyrelsen").check()
        expect(page.locator("#id_commissioned_by")).to_have_value(str(ks.pk), timeout=30_000)
        page.get_by_label("Ordinarie uppdrag (reglemente)").check()
        expect(page.locator("#id_commissioned_by")).to_have_value("", timeout=30_000)
        _check(page, problems, "mandate form", width)

        page.goto(f"{live_server.url}/uppdrag/register/{mandate.pk}/")
        assert page.locator("#assessments-heading ~ div table tbody tr").count() >= 1
        assert page.get_by_role("link", name=intervention.name).count() >= 1
        _check(page, problems, "mandate page", width)
        context.close()
    assert not problems, problems
