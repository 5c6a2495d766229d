"""The status of audit actions in the consolidated report (``followup.consolidated``)."""

from __future__ import annotations

from collections import Counter

from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.web.tables import Section, Table

from .models import Action, ActionStatus, Audit
from .selectors import recommendation_counts


def sections(period, user) -> list[Section]:
    """Audits published by the end of the period: their recommendations and the actions'
    status as they stand today, and the actions that are overdue. A fixed number of queries."""
    if not policy.can(user, "audits.view"):
        return []
    today = timezone.localdate()
    qs = Audit.objects.filter(published_on__lte=period.end).order_by("-published_on", "pk")
    audits = list(policy.scope(user, "audits.view", qs))
    if not audits:
        return []
    counts = recommendation_counts([a.pk for a in audits], today)
    statuses: dict[int, Counter] = {a.pk: Counter() for a in audits}
    overdue_rows = []
    actions = (
        Action.objects.filter(recommendation__audit__in=audits)
        .select_related("recommendation__audit", "responsible_body")
        .order_by("due_date", "pk")
    )
    for action in actions:
        statuses[action.recommendation.audit_id][action.status] += 1
        if action.is_overdue(today):
            overdue_rows.append(
                [
                    action.recommendation.audit.title,
                    action.recommendation.label,
                    str(action),
                    action.responsible_body.short_name,
                    f"{action.due_date:%Y-%m-%d}",
                    action.get_status_display(),
                ]
            )
    status_columns = [
        ActionStatus.DONE,
        ActionStatus.ONGOING,
        ActionStatus.NOT_STARTED,
        ActionStatus.DROPPED,
    ]
    overview = Table(
        caption=_("Rekommendationer och åtgärder per granskning"),
        columns=[
            _("Granskning"),
            _("Rekommendationer"),
            _("Öppna"),
            _("Försenade"),
            _("Åtgärdade enligt revisorerna"),
            *(str(status.label) for status in status_columns),
        ],
        rows=[
            [
                f"{audit.title} ({audit.published_on:%Y-%m-%d})",
                counts[audit.pk].total,
                counts[audit.pk].open,
                counts[audit.pk].overdue,
                counts[audit.pk].addressed,
                *(statuses[audit.pk][status] for status in status_columns),
            ]
            for audit in audits
        ],
        note=_("Kolumnerna efter de fyra första räknar åtgärder efter status."),
    )
    overdue = Table(
        caption=_("Försenade åtgärder"),
        columns=[
            _("Granskning"),
            _("Rekommendation"),
            _("Åtgärd"),
            _("Ansvarig"),
            _("Klart senast"),
            _("Status"),
        ],
        rows=overdue_rows,
        row_headers=False,
    )
    return [
        Section(
            title=_("Granskningar: åtgärdernas status"),
            intro=_(
                "Revisorernas rekommendationer och organens åtgärder, läget %(date)s. Öppna "
                "rekommendationer har ännu inte bedömts som åtgärdade av revisorerna."
            )
            % {"date": f"{today:%Y-%m-%d}"},
            tables=[overview, overdue],
            order=60,
            anchor="granskningar",
        )
    ]
