"""Access rules for follow-up.

* Reporters write their own body's report (scoped) and submit it.
* Strategists open periods, read every report, return and approve.
* Readers and auditors read approved reports and the consolidated report.
"""

from django.db.models import Q

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import Period, Report, ReportEntry

anchor(Period)
anchor(Report, bodies=["body"])
anchor(ReportEntry, bodies=["report__body"])

APPROVED = Q(status="approved")
ENTRY_APPROVED = Q(report__status="approved")

allow("followup.period.view", *ALL_ROLES, description="Se uppföljningsperioder")
allow(
    "followup.period.change",
    Role.STRATEGIST,
    description="Skapa, öppna och stänga uppföljningsperioder",
)

allow("followup.report.view", Role.STRATEGIST, Role.ADMIN, description="Se alla rapporter")
allow(
    "followup.report.view", Role.REPORTER, scoped=True, description="Se det egna organets rapporter"
)
allow(
    "followup.report.view",
    Role.READER,
    Role.AUDITOR,
    Role.REPORTER,
    where=APPROVED,
    description="Se godkända rapporter",
)
allow(
    "followup.report.change",
    Role.REPORTER,
    scoped=True,
    description="Skriva det egna organets rapport",
)
allow(
    "followup.report.submit",
    Role.REPORTER,
    scoped=True,
    description="Lämna in det egna organets rapport",
)
allow("followup.report.return", Role.STRATEGIST, description="Återremittera en inlämnad rapport")
allow("followup.report.approve", Role.STRATEGIST, description="Godkänna en inlämnad rapport")

allow("followup.entry.view", Role.STRATEGIST, Role.ADMIN, description="Se alla rapportposter")
allow(
    "followup.entry.view",
    Role.REPORTER,
    scoped=True,
    description="Se det egna organets rapportposter",
)
allow(
    "followup.entry.view",
    Role.READER,
    Role.AUDITOR,
    Role.REPORTER,
    where=ENTRY_APPROVED,
    description="Se poster i godkända rapporter",
)
allow(
    "followup.entry.change",
    Role.REPORTER,
    scoped=True,
    description="Skriva poster i det egna organets rapport",
)

allow(
    "followup.consolidated.view",
    Role.STRATEGIST,
    Role.ADMIN,
    Role.READER,
    Role.AUDITOR,
    Role.REPORTER,
    description="Läsa den sammanställda rapporten",
)
