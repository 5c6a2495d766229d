"""E-mail to a body's reporters when a period opens and their report is there to write.

A reporter should not have to look for the report: the day the strategist opens the period,
each reporter of a body that got a report is told which report, where to write it and by when.
Opening a period again (to add what was missing) tells nobody twice: only the bodies that got
a new report are written to.
"""

from __future__ import annotations

from collections import defaultdict

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db.models import Q
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from etablera.accounts.models import RoleAssignment
from etablera.accounts.roles import Role

from .models import Period, Report


def period_opened(period: Period, reports: list[Report]) -> int:
    """Send each reporter of the bodies of ``reports`` one e-mail; return how many were sent."""
    by_body = {r.body_id: r for r in reports}
    if not by_body:
        return 0
    assignments = (
        RoleAssignment.objects.filter(role=Role.REPORTER, user__is_active=True)
        .filter(Q(body_id__in=by_body) | Q(unit__body_id__in=by_body))
        .exclude(user__email="")
        .select_related("user", "unit")
        .order_by("user_id", "pk")
    )
    per_user: dict = defaultdict(dict)
    for assignment in assignments:
        body_id = assignment.body_id or assignment.unit.body_id
        per_user[assignment.user][body_id] = by_body[body_id]
    base = settings.ETABLERA_BASE_URL.rstrip("/")
    messages = []
    with translation.override(settings.LANGUAGE_CODE):
        for user, own in per_user.items():
            lines = [
                _("Hej %(name)s,") % {"name": user.get_full_name() or user.username},
                "",
                _(
                    "Uppföljningsperioden %(period)s är öppnad. Sista dag att lämna in rapporten "
                    "är %(deadline)s."
                )
                % {"period": period.name, "deadline": f"{period.deadline:%Y-%m-%d}"},
                "",
            ]
            for report in sorted(own.values(), key=lambda r: r.body.name):
                path = reverse("followup:report-edit", args=[report.pk])
                lines.append(f"- {report.body.name}: {base}{path}")
            lines += ["", _("Hälsningar, Etablera")]
            subject = _("Rapport att skriva: %(period)s") % {"period": period.name}
            messages.append(EmailMessage(subject=subject, body="\n".join(lines), to=[user.email]))
    if messages:
        get_connection().send_messages(messages)
    return len(messages)
