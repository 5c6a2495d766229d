"""The governance pages, the start-page panel, the API and the consolidated report section."""

from __future__ import annotations

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from tests.audits.factories import make_mandate
from tests.governance import builders as b


@pytest.fixture
def gaps(ks, sn):
    make_mandate(ks, title="KS utan uppföljning", follow_up_body=None)
    make_mandate(sn, title="SN utan uppföljning", follow_up_body=None)
    b.commissioned(sn, ks, with_decision=False, title="SN utan beslut")


def test_strategist_sees_every_finding_with_links(client, make_user, ks, gaps):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    page = client.get(reverse("governance:findings")).content.decode()
    for title in ("KS utan uppföljning", "SN utan uppföljning", "SN utan beslut"):
        assert title in page
    assert "GOV-02" in page and "Beställt uppdrag utan beslut" in page
    assert 'href="/uppdrag/' in page


def test_the_per_body_view_and_filters(client, make_user, ks, sn, gaps):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    page = client.get(reverse("governance:body-findings", args=[ks.pk])).content.decode()
    assert "KS utan uppföljning" in page
    assert "SN utan uppföljning" not in page
    filtered = client.get(reverse("governance:findings"), {"severity": "error"}).content.decode()
    assert "SN utan beslut" in filtered and "KS utan uppföljning" not in filtered
    by_code = client.get(reverse("governance:findings"), {"code": "GOV-01"}).content.decode()
    assert "KS utan uppföljning" in by_code and "SN utan beslut" not in by_code


def test_a_reporter_sees_only_its_own_bodys_findings(client, make_user, ks, sn, gaps):
    client.force_login(make_user(Role.REPORTER, body=sn))
    page = client.get(reverse("governance:findings")).content.decode()
    assert "SN utan uppföljning" in page and "KS utan uppföljning" not in page
    assert client.get(reverse("governance:body-findings", args=[ks.pk])).status_code == 404


@pytest.mark.parametrize("role", [Role.READER, Role.COACH])
def test_readers_and_coaches_may_not_open_the_check(client, make_user, role, ks, gaps):
    client.force_login(make_user(role))
    assert client.get(reverse("governance:findings")).status_code == 403
    api = APIClient()
    api.force_authenticate(make_user(role))
    assert api.get("/api/governance-findings/").status_code == 403


def test_findings_page_query_count_does_not_grow(
    client, make_user, ks, sn, django_assert_max_num_queries
):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    make_mandate(ks, title="x0", follow_up_body=None)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("governance:findings"))
    for i in range(30):
        make_mandate(ks, title=f"x{i + 1}", follow_up_body=None)
        b.commissioned(sn, ks, with_decision=False, title=f"c{i}")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(reverse("governance:findings"))
    assert "x30" in response.content.decode()


def test_home_panel_links_the_findings_for_strategists_and_counts_them_for_readers(
    client, make_user, ks, gaps
):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    page = client.get(reverse("home")).content.decode()
    assert "Styrningskontroll" in page and "GOV-01" in page
    assert "?code=GOV-01" in page
    assert "3 avvikelser: 1 fel, 2 varningar och 0 upplysningar." in page
    # Elected members see the municipality's counts per rule, as the consolidated report
    # publishes them, but not the findings: no way into the check they may not open.
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("home")).content.decode()
    assert "governance-heading" in page and "GOV-01" in page
    assert "?code=" not in page
    client.force_login(make_user(Role.COACH))
    assert "governance-heading" not in client.get(reverse("home")).content.decode()


def test_the_strategist_is_told_what_waits(client, make_user, ks, sn, gaps):
    client.force_login(make_user(Role.STRATEGIST, body=ks))
    page = client.get(reverse("home")).content.decode()
    assert "Väntar på dig" in page
    assert "<strong>1</strong> beställt uppdrag saknar beslut" in page
    assert "?gap=decision" in page
    assert "<strong>0</strong> kvittenser av styrdokument är försenade" in page


def test_api_lists_findings_with_code_severity_object_message(make_user, ks, sn, gaps):
    api = APIClient()
    api.force_authenticate(make_user(Role.STRATEGIST, body=ks))
    data = api.get("/api/governance-findings/").json()
    assert {"code", "severity", "object", "message"} <= set(data[0])
    assert len(data) == 3
    only_sn = api.get("/api/governance-findings/", {"body": sn.pk}).json()
    assert {f["object"]["label"] for f in only_sn} == {"SN utan uppföljning", "SN utan beslut"}
    errors = api.get("/api/governance-findings/", {"severity": "error"}).json()
    assert [f["code"] for f in errors] == ["GOV-02"]
    assert api.get("/api/governance-findings/", {"body": 999999}).status_code == 404


def test_api_for_a_reporter_is_scoped(make_user, ks, sn, gaps):
    api = APIClient()
    api.force_authenticate(make_user(Role.REPORTER, body=sn))
    labels = {f["object"]["label"] for f in api.get("/api/governance-findings/").json()}
    assert labels == {"SN utan uppföljning", "SN utan beslut"}
    assert api.get("/api/governance-findings/", {"body": ks.pk}).status_code == 404


def test_api_query_count_does_not_grow(make_user, ks, sn, django_assert_max_num_queries):
    api = APIClient()
    api.force_authenticate(make_user(Role.STRATEGIST, body=ks))
    make_mandate(ks, title="x0", follow_up_body=None)
    with django_assert_max_num_queries(30) as few:
        api.get("/api/governance-findings/")
    for i in range(30):
        make_mandate(ks, title=f"x{i + 1}", follow_up_body=None)
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert len(api.get("/api/governance-findings/").json()) == 31


def test_the_consolidated_report_section(make_user, ks, sn, gaps):
    from etablera.governance.report_sections import sections

    period = b.period("2026T1")
    [section] = sections(period, Operator("test"))
    assert section.title == "Styrningskontroll"
    summary, listing = section.tables
    counts = {row[1]: row[3] for row in summary.rows}
    assert counts["GOV-01"] == 2 and counts["GOV-02"] == 1
    assert any("SN utan beslut" in row[2] for row in listing.rows)
    # A reader of the consolidated report sees the counts, not the findings.
    [for_reader] = sections(period, make_user(Role.READER))
    assert len(for_reader.tables) == 1


def test_the_schema_describes_the_findings_endpoint(make_user, ks):
    api = APIClient()
    api.force_authenticate(make_user(Role.STRATEGIST, body=ks))
    schema = api.get("/api/schema/", {"format": "json"}).json()
    assert "/api/governance-findings/" in schema["paths"]
    for path in ("/api/audits/", "/api/audit-actions/", "/api/audit-follow-ups/"):
        assert path in schema["paths"]
