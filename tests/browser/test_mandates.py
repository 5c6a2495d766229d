"""A strategist registers a commissioned mandate and sees it flagged; every page passes axe."""

from __future__ import annotations

from etablera.mandates.models import Mandate
from tests.browser.conftest import axe_violations, login


def test_strategist_creates_a_mandate_and_sees_the_missing_decision_flag(page, live_server, demo):
    login(page, live_server, "strateg")
    page.goto(f"{live_server.url}/uppdrag/register/")
    assert axe_violations(page) == []
    page.click("main >> text=Nytt uppdrag")
    assert page.inner_text("h1") == "Nytt uppdrag"
    assert axe_violations(page) == []

    page.fill("#id_title", "Sommarjobb för nyanlända ungdomar")
    page.select_option("#id_policy_area", label="Arbetsmarknad")
    page.select_option("#id_owner", label="Socialnämnden")
    page.select_option("#id_performer", label="Socialförvaltningen › Arbetsmarknadsenheten")
    page.check("input[name=level][value=operational]")
    page.check("input[name=origin][value=commissioned_ks]")
    page.select_option("#id_commissioned_by", label="Kommunstyrelsen")
    page.select_option("#id_follow_up_body", label="Kommunstyrelsen")
    page.fill("#id_follow_up_role", "Integrationsstrateg")
    page.fill("#id_start", "2025-06-01")
    page.fill("#id_end", "2025-05-01")
    page.click("main button[type=submit]")

    # End before start: the message is next to the field, the error state is accessible too.
    assert "Slutdatum kan inte ligga före startdatum." in page.inner_text(
        "main .errors[id^=id_end_error]"
    )
    assert axe_violations(page) == []
    assert not Mandate.objects.filter(title__startswith="Sommarjobb").exists()

    page.fill("#id_end", "2025-08-31")
    page.click("main button[type=submit]")
    page.wait_for_url("**/uppdrag/register/*/")
    assert page.inner_text("h1") == "Sommarjobb för nyanlända ungdomar"
    assert "Beslut saknas." in page.inner_text("#flag-decision")
    assert "Ändringshistorik" in page.content()
    assert axe_violations(page) == []
    mandate = Mandate.objects.get(title="Sommarjobb för nyanlända ungdomar")
    assert mandate.missing_decision and mandate.performer_unit.name == "Arbetsmarknadsenheten"


def test_matrix_decision_and_policy_area_pages_are_accessible(page, live_server, demo):
    login(page, live_server, "strateg")
    problems = {}
    for path in [
        "/uppdrag/ansvarsmatris/",
        "/uppdrag/ansvarsmatris/?status=&all_bodies=on",
        "/uppdrag/register/?gap=any&sort=-owner",
        "/uppdrag/beslut/",
        "/uppdrag/beslut/nytt/",
        "/uppdrag/politikomraden/",
        "/uppdrag/politikomraden/nytt/",
    ]:
        response = page.goto(f"{live_server.url}{path}")
        assert response is not None and response.status == 200, path
        found = axe_violations(page)
        if found:
            problems[path] = found
    page.goto(f"{live_server.url}/uppdrag/beslut/")
    page.click("main table a >> nth=0")
    found = axe_violations(page)
    if found:
        problems["decision detail"] = found
    assert not problems, problems


def test_matrix_is_a_grid_of_symbols_with_the_mandates_on_demand(page, live_server, demo):
    login(page, live_server, "lasare")
    page.goto(f"{live_server.url}/uppdrag/ansvarsmatris/")
    grid = page.inner_text("table.matrix")
    # At a glance: areas, bodies and counts; the titles only once a cell is opened.
    assert "Arbetsmarknad" in grid and "Arbetsmarknadsinsatser för nyanlända" not in grid
    assert "äger" in page.inner_text(".matrix-key")
    row_heights = page.eval_on_selector_all(
        "table.matrix tbody tr", "rows => rows.map(r => r.getBoundingClientRect().height)"
    )
    assert max(row_heights) < 60, row_heights
    region = page.locator(".matrix-wrap")
    assert region.get_attribute("tabindex") == "0"
    region.focus()
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.matches('table.matrix summary')")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.parentElement.open")
    cell = page.locator("details.matrix-cell", has_text="Kommunala aktivitetsansvaret för unga")
    cell.first.locator("summary").click()
    page.click("table.matrix >> text=Kommunala aktivitetsansvaret för unga utanför")
    assert "Ingen uppföljningsansvarig." in page.inner_text("#flag-follow-up")
    assert axe_violations(page) == []


def test_matrix_header_row_and_first_column_stay_in_view(page, live_server, demo):
    login(page, live_server, "lasare")
    page.set_viewport_size({"width": 390, "height": 700})
    page.goto(f"{live_server.url}/uppdrag/ansvarsmatris/")
    page.eval_on_selector(".matrix-wrap", "el => el.scrollTo(400, 400)")
    header = page.eval_on_selector(
        "table.matrix thead th:nth-child(2)", "el => el.getBoundingClientRect().top"
    )
    first = page.eval_on_selector(
        "table.matrix tbody tr:last-child th", "el => el.getBoundingClientRect().left"
    )
    wrap = page.eval_on_selector(".matrix-wrap", "el => el.getBoundingClientRect()")
    assert abs(header - wrap["top"]) < 3 and abs(first - wrap["left"]) < 3


def test_register_and_matrix_reflow_at_200_percent_zoom(browser, live_server, demo):
    context = browser.new_context(viewport={"width": 640, "height": 900}, device_scale_factor=2)
    page = context.new_page()
    login(page, live_server, "strateg")
    for path in (
        "/uppdrag/register/",
        "/uppdrag/ansvarsmatris/",
        "/uppdrag/register/nytt/",
        "/uppdrag/beslut/",
        "/uppdrag/politikomraden/",
        f"/uppdrag/register/{Mandate.objects.get(title__startswith='Kommunala extra').pk}/",
    ):
        page.goto(f"{live_server.url}{path}")
        width = page.evaluate("document.documentElement.scrollWidth")
        assert width <= 640 + 1, f"{path} scrolls sideways at 200% zoom"
        assert axe_violations(page) == []
    context.close()
