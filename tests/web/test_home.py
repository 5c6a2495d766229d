"""Start pages: an overview per role, in a number of queries that does not grow with the data."""

from __future__ import annotations

import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from etablera.accounts.models import User
from etablera.followup.models import Assessment, ReportEntry, ReportStatus
from etablera.web.demo import DEMO_USERS
from tests.conftest import login_verified
from tests.register.factories import EnrolmentFactory

ROLES = [username for username, *_ in DEMO_USERS]


@pytest.fixture
def demo(db):
    with open(os.devnull, "w") as devnull:
        call_command("loaddemo", small=True, quiet_users=True, stdout=devnull)


def sign_in(client, username: str) -> None:
    """Signed in, with the second factor given where the user has one."""
    login_verified(client, User.objects.get(username=username))


def queries(client, username: str) -> tuple[int, str]:
    sign_in(client, username)
    with CaptureQueriesContext(connection) as captured:
        response = client.get("/")
    assert response.status_code == 200
    return len(captured), response.content.decode()


def test_each_role_sees_its_overview(client, demo):
    _n, html = queries(client, "lasare")
    assert "Senaste godkända uppföljning" in html
    assert "bedomning=met" in html  # each count leads to the entries behind it
    assert "Arbetsmarknadsinsatser" in html and "året innan" in html
    _n, html = queries(client, "strateg")
    assert "Väntar på dig" in html and "Styrningskontroll" in html
    _n, html = queries(client, "rapportor")
    assert "av" in html and "bedömda" in html and "Sista dag" in html
    _n, html = queries(client, "coach")
    assert "Uppföljningar att göra" in html and "Aktiva deltagare" in html
    assert "Genvägar" not in html  # no grid that repeats the menu


@pytest.mark.parametrize("username", ROLES)
def test_start_page_queries_do_not_grow_with_the_data(client, demo, username, settings):
    settings.ETABLERA_KPI_CACHE_SECONDS = 0
    # The first visit stores what later visits only read (the month's release of the register
    # figures, statistics.frozen); what is measured is every visit after it.
    queries(client, username)
    before, _html = queries(client, username)
    # More of everything the panels count: enrolments, approved entries, submitted reports.
    for _ in range(5):
        EnrolmentFactory()
    approved = ReportEntry.objects.filter(report__status=ReportStatus.APPROVED).first()
    if approved is not None:
        for entry in ReportEntry.objects.filter(report=approved.report)[:3]:
            entry.assessment = Assessment.PARTLY
            entry.save()
    after, _html = queries(client, username)
    assert after == before, f"{username}: {before} queries, then {after}"
    assert 3 <= before <= 40, f"{username}: {before} queries"


def test_the_counts_lead_to_the_entries_behind_them(client, demo):
    sign_in(client, "lasare")
    html = client.get("/").content.decode()
    start = html.index('href="/uppfoljning/perioder/')
    link = html[start + 6 : html.index('"', start + 6)].replace("&amp;", "&")
    response = client.get(link)
    assert response.status_code == 200
    assert "sammanstallning/#post-" in response.content.decode() or "Inga poster" in (
        response.content.decode()
    )
