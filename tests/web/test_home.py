"""Start pages: an overview per role, in a number of queries that does not grow with the data."""

from __future__ import annotations

import datetime as dt
import os

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from etablera.accounts.models import User
from etablera.followup.models import Assessment, Report, ReportEntry, ReportStatus
from etablera.goals.models import Indicator
from etablera.kolada.models import Kpi
from etablera.mandates.models import Origin
from etablera.organisation.models import Body
from etablera.web.demo import DEMO_USERS
from tests.audits.factories import ActionFactory, RecommendationFactory
from tests.conftest import login_verified
from tests.documents.factories import distribution_to
from tests.kolada.factories import ValueFactory
from tests.mandates.factories import MandateFactory
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
    for reader in ("lasare", "revisor"):
        _n, html = queries(client, reader)
        assert "Senaste godkända uppföljning" in html
        assert "bedomning=met" in html  # each count leads to the entries behind it
        assert "Arbetsmarknadsinsatser" in html and "året innan" in html
        assert "Jämfört med andra kommuner" in html and "riket" in html  # Kolada
        assert "Styrningskontroll" in html and "avvikelse" in html  # the governance gaps
    _n, html = queries(client, "strateg")
    assert "Väntar på dig" in html and "Styrningskontroll" in html
    for waiting in (
        "väntar på godkännande",
        "saknar beslut",
        "är försenad",  # acknowledgements and audit actions
        "granskning",
    ):
        assert waiting in html, waiting
    _n, html = queries(client, "rapportor")
    assert "av" in html and "bedömda" in html and "Sista dag" in html
    _n, html = queries(client, "coach")
    assert "Uppföljningar att göra" in html and "Aktiva deltagare" in html
    assert "Genvägar" not in html  # no grid that repeats the menu


def more_of_everything() -> None:
    """More of everything the panels count or list: enrolments, approved entries, submitted
    reports, mandates without a decision, overdue acknowledgements and audit actions, Kolada
    values."""
    today = timezone.localdate()
    sn = Body.objects.get(short_name="SN")
    ks = Body.objects.get(short_name="KS")
    for _ in range(5):
        EnrolmentFactory()
    approved = ReportEntry.objects.filter(report__status=ReportStatus.APPROVED).first()
    if approved is not None:
        for entry in ReportEntry.objects.filter(report=approved.report)[:3]:
            entry.assessment = Assessment.PARTLY
            entry.save()
    Report.objects.filter(status=ReportStatus.DRAFT).update(
        status=ReportStatus.SUBMITTED, submitted_at=timezone.now()
    )
    for i in range(3):
        MandateFactory(
            owner=sn, origin=Origin.COMMISSIONED_KS, commissioned_by=ks, title=f"Nytt {i}"
        )
        distribution_to(sn, deadline=today - dt.timedelta(days=10 + i))
        ActionFactory(
            recommendation=RecommendationFactory(addressed_to=[sn]),
            due_date=today - dt.timedelta(days=30),
        )
    for kpi in Kpi.objects.filter(
        id__in=Indicator.objects.filter(source="kolada").values("source_key")
    ):
        for code in ("1487", "0000", "1488"):
            ValueFactory(kpi=kpi, municipality=code, year=1990)


@pytest.mark.parametrize("username", ROLES)
def test_start_page_queries_do_not_grow_with_the_data(client, demo, username, settings):
    settings.ETABLERA_KPI_CACHE_SECONDS = 0
    # The first visit stores what later visits only read (the month's release of the register
    # figures, statistics.frozen); what is measured is every visit after it.
    queries(client, username)
    before, html_before = queries(client, username)
    more_of_everything()
    after, html_after = queries(client, username)
    assert after == before, f"{username}: {before} queries, then {after}"
    # Without the caches (as here) the governance check is run afresh on every visit: a fixed
    # number of queries, one or two per rule; with them, the start page makes about half.
    assert 3 <= before <= 45, f"{username}: {before} queries"
    if username == "strateg":
        assert html_after != html_before  # what was added is on the page


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
