"""Access rules for audits.

An audit report is a public document: every role reads audits, their questions,
recommendations, responses, actions and the auditors' follow-up (evidence is shown only where
the reader may see its target, see ``evidence.py``). The auditors register their audits and
record their follow-up, and never change what a body has decided or done. The bodies answer:
a strategist (for the executive board) or a reporter (for its own body) records responses,
actions and evidence for the bodies in its scope — the body a recommendation was addressed to,
or the body responsible for an action.
"""

from etablera.accounts.policy import allow, anchor
from etablera.accounts.roles import ALL_ROLES, Role

from .models import (
    Action,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
)

anchor(Audit, bodies=["audited_bodies"], many=True)
anchor(AuditQuestion, bodies=["audit__audited_bodies"], many=True)
anchor(Recommendation, bodies=["addressed_to"], many=True)
anchor(Response, bodies=["body"])
anchor(Action, bodies=["responsible_body", "recommendation__addressed_to"], many=True)
anchor(
    EvidenceLink,
    bodies=[
        "action__responsible_body",
        "action__recommendation__addressed_to",
        "recommendation__addressed_to",
    ],
    many=True,
)
anchor(AuditorFollowUp, bodies=["recommendation__addressed_to"], many=True)

allow(
    "audits.view",
    *ALL_ROLES,
    description="Läsa granskningar, rekommendationer, svar, åtgärder och revisorernas uppföljning",
)
allow(
    "audits.audit.change",
    Role.AUDITOR,
    Role.ADMIN,
    description="Registrera granskningar med revisionsfrågor och rekommendationer",
)
allow(
    "audits.response.change",
    Role.STRATEGIST,
    Role.REPORTER,
    scoped=True,
    description="Registrera organets svar på en granskning",
)
allow(
    "audits.action.change",
    Role.STRATEGIST,
    Role.REPORTER,
    scoped=True,
    description="Registrera och ändra åtgärder för det egna organets rekommendationer",
)
allow(
    "audits.evidence.change",
    Role.STRATEGIST,
    Role.REPORTER,
    scoped=True,
    description="Länka underlag till åtgärder och rekommendationer",
)
allow(
    "audits.followup.change",
    Role.AUDITOR,
    description="Registrera revisorernas uppföljning av rekommendationer",
)
