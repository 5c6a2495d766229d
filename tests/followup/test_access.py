"""Who reads which report before it is approved (the cases the matrix cannot show)."""

from __future__ import annotations

from etablera.accounts import policy
from etablera.accounts.roles import Role
from etablera.followup.models import Report, ReportEntry


def visible(user, action="followup.report.view"):
    return set(policy.scope(user, action, Report.objects.all()))


def test_a_draft_is_read_by_its_own_reporter_and_strategists_only(world, make_user):
    own = make_user(Role.REPORTER, body=world.sn)
    other = make_user(Role.REPORTER, body=world.ks)
    assert visible(own) == {world.sn_report}
    assert visible(other) == {world.ks_report}
    assert visible(make_user(Role.STRATEGIST, body=world.ks)) == {world.sn_report, world.ks_report}
    assert visible(make_user(Role.READER)) == set()
    assert visible(make_user(Role.AUDITOR)) == set()
    assert visible(make_user(Role.COACH, unit=world.unit)) == set()
    entries = policy.scope(own, "followup.entry.view", ReportEntry.objects.all())
    assert {e.report_id for e in entries} == {world.sn_report.pk}


def test_only_the_bodys_reporter_writes_and_submits(world, make_user):
    own = make_user(Role.REPORTER, body=world.sn)
    strategist = make_user(Role.STRATEGIST, body=world.ks)
    for action in ("followup.report.change", "followup.report.submit"):
        assert policy.can(own, action, world.sn_report)
        assert not policy.can(own, action, world.ks_report)
        assert not policy.can(strategist, action, world.sn_report)
    assert policy.can(strategist, "followup.report.approve", world.sn_report)
    assert not policy.can(own, "followup.report.approve", world.sn_report)
