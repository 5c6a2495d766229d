"""The governance check in the consolidated report (``followup.consolidated``)."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.tables import Section, Table

from . import selectors


def sections(period, user) -> list[Section]:
    """The check as it stands today: counts per rule for every reader; the findings themselves
    for readers who may see them (an operator, e.g. the command line, sees all)."""
    today = timezone.localdate()
    may_see = policy.can(user, "governance.view")
    # The counts per rule are published to every reader of the report, so they are counted
    # for the whole municipality; the findings themselves only as the reader may see them.
    counter = user if may_see else policy.Operator("report:governance-counts")
    findings = selectors.findings_for(counter, today=today)
    summary = Table(
        caption=_("Avvikelser per regel"),
        columns=[_("Regel"), _("Kod"), _("Allvarlighet"), _("Antal")],
        rows=[
            [str(row.rule.title), row.rule.code, row.rule.severity_label, row.count]
            for row in selectors.summary(findings)
        ],
    )
    tables = [summary]
    if may_see:
        tables.append(
            Table(
                caption=_("Avvikelser"),
                columns=[_("Kod"), _("Allvarlighet"), _("Gäller"), _("Avvikelse")],
                rows=[[f.code, f.severity_label, f.object.label, f.message] for f in findings],
                row_headers=False,
            )
        )
    return [
        Section(
            title=_("Styrningskontroll"),
            intro=_(
                "Luckor i styrning, samordning och uppföljning enligt styrningskontrollens "
                "regler, läget %(date)s."
            )
            % {"date": f"{today:%Y-%m-%d}"},
            tables=tables,
            order=70,
            anchor="styrningskontroll",
        )
    ]
