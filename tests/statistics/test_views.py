"""The dashboard and its exports: who sees what, suppression in every format, bad input."""

from __future__ import annotations

import io
import re

import pytest
from django.test import override_settings
from django.urls import reverse
from openpyxl import load_workbook

from etablera.accounts.roles import Role
from etablera.web.tables import SUPPRESSED_SYMBOL

from .conftest import OTHER_UNIT_PEOPLE, near
from .factories import EnrolmentFactory, ParticipantFactory

URL = reverse("statistics:dashboard")


def cells_of_row(html: str, label: str, after: str = "") -> list[str]:
    """The data cells of the first table row whose header is ``label`` (after ``after``)."""
    html = html[html.index(after) :] if after else html
    match = re.search(rf'<th scope="row">{re.escape(label)}</th>(.*?)</tr>', html, re.S)
    assert match, f"no row {label}"
    return re.findall(r"<td[^>]*>(.*?)</td>", match.group(1), re.S)


def active_total(html: str) -> str | None:
    found = re.search(r"Aktiva deltagare \(antal\)</th><td class=\"num\">(\d+)</td>", html)
    return found.group(1) if found else None


def test_anonymous_users_are_sent_to_login(client, db):
    response = client.get(URL)
    assert response.status_code == 302


@pytest.mark.parametrize("role", [Role.STRATEGIST, Role.READER, Role.AUDITOR, Role.ADMIN])
def test_municipality_wide_roles_see_the_whole_municipality(client, make_user, populated, role):
    client.force_login(make_user(role))
    response = client.get(URL, {"period": "2025"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Hela kommunen" in html
    # 40 + 3 + 6 participants were active in 2025
    assert near(active_total(html), 49)
    assert "kan avvika med upp till ±2" in html


def test_small_groups_are_shown_as_suppressed_with_an_explanation(client, make_user, populated):
    client.force_login(make_user(Role.STRATEGIST))
    html = client.get(URL, {"period": "2025"}).content.decode()
    unknown_gender = cells_of_row(html, "Annat eller okänt", after="<caption>Nyckeltal per kön")
    assert unknown_gender and all(SUPPRESSED_SYMBOL in c for c in unknown_gender)
    assert 'class=" suppressed"' in html or "suppressed" in html
    assert "ingen enskild person ska kunna pekas ut" in html
    # The others are perturbed, not hidden: subtracting them from the total gives the three
    # plus noise (see tests/statistics/test_attacks.py).
    assert near(cells_of_row(html, "Kvinna", after="<caption>Nyckeltal per kön")[0], 20)
    assert near(cells_of_row(html, "Man", after="<caption>Nyckeltal per kön")[0], 26)


def test_a_coach_sees_only_their_units_figures(client, make_user, other_unit_of_ten):
    client.force_login(make_user(Role.COACH, unit=other_unit_of_ten["other_unit"]))
    html = client.get(URL, {"period": "2025"}).content.decode()
    assert other_unit_of_ten["other_unit"].name in html
    assert "Hela kommunen" not in html
    assert near(active_total(html), OTHER_UNIT_PEOPLE)


def test_a_coach_cannot_choose_the_whole_municipality(client, make_user, populated):
    client.force_login(make_user(Role.COACH, unit=populated["unit"]))
    response = client.get(URL, {"period": "2025", "scope": "kommun"})
    assert response.status_code == 400
    html = response.content.decode()
    main = html[html.index('<main id="main"') : html.index("</main>")]
    # No figure for the whole municipality (49 active participants) is published anywhere.
    assert not re.search(r">\s*49\s*<", re.sub(r"<form.*?</form>", "", main, flags=re.S))


def test_a_reporter_sees_their_bodys_units(client, make_user, populated, body):
    client.force_login(make_user(Role.REPORTER, body=body))
    html = client.get(URL, {"period": "2025"}).content.decode()
    assert body.name in html
    assert near(active_total(html), 43)


@pytest.mark.parametrize(
    ("period", "message"),
    [
        ("2025T9", "Okänd period"),
        ("2025-13-01..2025-12-31", "inget giltigt datum"),
        ("2025-01-15..2025-02-10", "kalendermånad"),
        ("2025-01-01..2025-06-30", "kalendermånad"),
        ("2025-06-01..2025-01-31", "omvänt"),
    ],
)
def test_a_bad_period_gives_a_clear_message(client, make_user, populated, period, message):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.get(URL, {"period": period})
    assert response.status_code == 400
    assert message in response.content.decode()


def test_a_period_without_data_says_so(client, make_user, populated):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.get(URL, {"period": "2019"})
    assert "Det finns inga deltaganden" in response.content.decode()


def test_nonsense_thresholds_publish_nothing(client, make_user, populated):
    client.raise_request_exception = False
    client.force_login(make_user(Role.STRATEGIST))
    with override_settings(ETABLERA_SUPPRESSION_THRESHOLD=0):
        response = client.get(URL, {"period": "2025"})
    assert response.status_code == 503  # refused with a page that says why, not an error
    assert "Röjandekontrollen" in response.content.decode()
    # No figure in what the page says (tokens and nonces elsewhere may hold any digits).
    main = re.search(r"<main.*?</main>", response.content.decode(), re.S)
    assert main is not None and "49" not in re.sub(r'value="[^"]*"', "", main.group())


def test_the_csv_export_hides_what_the_page_hides(client, make_user, populated):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.get(reverse("statistics:export-csv"), {"period": "2025"})
    assert response.status_code == 200
    text = response.content.decode("utf-8-sig")
    lines = text.splitlines()
    start = next(i for i, line in enumerate(lines) if line.startswith("Nyckeltal per kön"))
    rows = [line.split(";") for line in lines[start:]]
    unknown = next(r for r in rows if r[0] == "Annat eller okänt")
    assert set(unknown[1:]) == {SUPPRESSED_SYMBOL}
    assert "ingen enskild person ska kunna pekas ut" in text
    assert near(next(r for r in rows if r[0] == "Kvinna")[1], 20)
    assert near(next(r for r in rows if r[0] == "Man")[1], 26)
    assert any("kan avvika med upp till" in line for line in lines)


def test_the_excel_export_hides_what_the_page_hides(client, make_user, populated):
    client.force_login(make_user(Role.STRATEGIST))
    response = client.get(reverse("statistics:export-xlsx"), {"period": "2025"})
    workbook = load_workbook(io.BytesIO(response.content))
    found = False
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows(values_only=True):
            if row and row[0] == "Annat eller okänt":
                found = True
                assert all(v == SUPPRESSED_SYMBOL for v in row[1:] if v is not None)
    assert found
    texts = [c for s in workbook.worksheets for r in s.iter_rows(values_only=True) for c in r]
    assert any(isinstance(t, str) and "pekas ut" in t for t in texts)


def test_the_dashboard_query_count_does_not_grow_with_rows(
    client, make_user, populated, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST))
    with django_assert_max_num_queries(80) as few:
        assert client.get(URL, {"period": "2025"}).status_code == 200
    for n in range(40):
        EnrolmentFactory(
            participant=ParticipantFactory(gender="KM"[n % 2]),
            intervention=populated["training"],
            end=None,
        )
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(URL, {"period": "2025"}).status_code == 200
