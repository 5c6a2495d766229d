from etablera.accounts.roles import Role
from etablera.followup.models import ReportEntry
from tests.followup.factories import PeriodFactory, ReportFactory
from tests.goals.factories import GoalFactory
from tests.mandates.factories import DecisionFactory
from tests.policy_matrix import ALL, SCOPED, Case

EVERYONE = {role: ALL for role in Role}
READERS_OF_APPROVED = {
    Role.STRATEGIST: ALL,
    Role.ADMIN: ALL,
    Role.READER: ALL,
    Role.AUDITOR: ALL,
    Role.REPORTER: ALL,
}


def approved_report(body):
    return ReportFactory(body=body, status="approved", decision=DecisionFactory(body=body))


def entry(report):
    return ReportEntry.objects.create(report=report, goal=GoalFactory(owner=report.body))


CASES = {
    "followup.period.view": Case(build=lambda body, unit: PeriodFactory(), expect=EVERYONE),
    "followup.period.change": Case(
        build=lambda body, unit: PeriodFactory(), expect={Role.STRATEGIST: ALL}
    ),
    "followup.report.view": Case(
        build=lambda body, unit: approved_report(body), expect=READERS_OF_APPROVED
    ),
    "followup.report.change": Case(
        build=lambda body, unit: ReportFactory(body=body), expect={Role.REPORTER: SCOPED}
    ),
    "followup.report.submit": Case(
        build=lambda body, unit: ReportFactory(body=body), expect={Role.REPORTER: SCOPED}
    ),
    "followup.report.return": Case(
        build=lambda body, unit: ReportFactory(body=body, status="submitted"),
        expect={Role.STRATEGIST: ALL},
    ),
    "followup.report.approve": Case(
        build=lambda body, unit: ReportFactory(body=body, status="submitted"),
        expect={Role.STRATEGIST: ALL},
    ),
    "followup.entry.view": Case(
        build=lambda body, unit: entry(approved_report(body)), expect=READERS_OF_APPROVED
    ),
    "followup.entry.change": Case(
        build=lambda body, unit: entry(ReportFactory(body=body)), expect={Role.REPORTER: SCOPED}
    ),
    "followup.consolidated.view": Case(build=lambda body, unit: None, expect=READERS_OF_APPROVED),
}
