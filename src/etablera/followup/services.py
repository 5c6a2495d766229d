"""Every write in follow-up: one use case per function, one transaction, Swedish refusals."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.accounts import policy
from etablera.accounts.trail import person, records_actor
from etablera.goals.models import Goal
from etablera.mandates.models import Decision, Mandate, MandateStatus, ReportFrequency
from etablera.mandates.services import save_decision

from . import notifications
from .indicators import entries_with_indicators, live_values
from .models import (
    EDITABLE,
    Assessment,
    Period,
    PeriodKind,
    PeriodStatus,
    Report,
    ReportEntry,
    ReportEvent,
    ReportStatus,
)
from .selectors import approving_bodies
from .signals import period_closed

#: Which mandates report in which kind of period, by their report frequency.
FREQUENCIES_FOR_KIND: dict[str, list[str]] = {
    PeriodKind.TERTIAL: [ReportFrequency.TERTIAL],
    PeriodKind.INTERIM: [ReportFrequency.TERTIAL, ReportFrequency.INTERIM],
    PeriodKind.ANNUAL: list(ReportFrequency.values),
    PeriodKind.OTHER: list(ReportFrequency.values),
}


@records_actor
@transaction.atomic
def save_period(period: Period, *, actor) -> Period:
    """Create or change a period; its code, dates and deadline are checked, and overlaps with
    another period of the same kind refused."""
    if period.pk:
        current = Period.objects.select_for_update().get(pk=period.pk)
        if current.status != PeriodStatus.PLANNED and (
            current.start != period.start
            or current.end != period.end
            or current.kind != period.kind
        ):
            raise ValidationError(
                _("Perioden är redan öppnad; dess typ och datum kan inte längre ändras.")
            )
    else:
        # Serialise period creation so that two overlapping periods cannot both pass the check.
        list(Period.objects.select_for_update().filter(kind=period.kind).values_list("pk"))
    period.full_clean()
    period.save()
    return period


def _mandates_for(period: Period) -> Q:
    return (
        Q(
            status=MandateStatus.ACTIVE,
            follow_up_body__isnull=False,
            report_frequency__in=FREQUENCIES_FOR_KIND.get(period.kind, ReportFrequency.values),
        )
        & (Q(start__isnull=True) | Q(start__lte=period.end))
        & (Q(end__isnull=True) | Q(end__gte=period.start))
    )


def _goals_for(period: Period) -> Q:
    return Q(owner__isnull=False, valid_from__lte=period.end) & (
        Q(valid_to__isnull=True) | Q(valid_to__gte=period.start)
    )


@records_actor
@transaction.atomic
def open_period(period: Period, *, actor, notify: bool = True) -> list[Report]:
    """Open a planned period: every body with something to follow up gets a draft report.

    A body's report has one entry per active mandate it follows up (``follow_up_body``) whose
    report frequency includes this kind of period, one per commissioned mandate it performs for
    another body (its account to the commissioner, shown in the commissioning body's view too —
    R7), and one per goal it owns that is valid during the period. Bodies with none of these get
    no report. Opening again (e.g. after a mandate was added) adds the missing reports and
    entries and keeps everything written so far. With ``notify`` the reporters of each body
    that got a new report are e-mailed (``notifications.period_opened``).
    """
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status == PeriodStatus.CLOSED:
        raise ValidationError(_("Perioden är stängd och kan inte öppnas igen."))
    mandates = list(
        Mandate.objects.filter(_mandates_for(period))
        .select_related("policy_area", "performer_unit")
        .order_by("policy_area__order", "title")
    )
    # (body, mandate) pairs: the follow-up body, and the performer of a commissioned mandate.
    subjects: list[tuple[int, Mandate]] = []
    for mandate in mandates:
        assert mandate.follow_up_body_id is not None  # filtered by _mandates_for
        subjects.append((mandate.follow_up_body_id, mandate))
        performer = (
            mandate.performer_unit.body_id
            if mandate.performer_unit_id
            else mandate.performer_body_id
        )
        if mandate.is_commissioned and performer and performer != mandate.follow_up_body_id:
            subjects.append((performer, mandate))
    goals = list(
        Goal.objects.filter(_goals_for(period))
        .select_related("policy_area")
        .order_by("owner_id", "level", "policy_area__order", "title")
    )
    body_ids = {body_id for body_id, _m in subjects} | {
        g.owner_id for g in goals if g.owner_id is not None
    }
    existing = {r.body_id: r for r in Report.objects.filter(period=period)}
    new_reports = [
        Report(period=period, body_id=body_id)
        for body_id in sorted(body_ids)
        if body_id not in existing
    ]
    Report.objects.bulk_create(new_reports)
    reports = {r.body_id: r for r in Report.objects.filter(period=period)}
    have = set(
        ReportEntry.objects.filter(report__period=period).values_list(
            "report_id", "mandate_id", "goal_id"
        )
    )
    have_mandates = {(r, m) for r, m, _g in have if m}
    have_goals = {(r, g) for r, _m, g in have if g}
    entries: list[ReportEntry] = []
    order: dict[int, int] = {}
    for body_id, mandate in subjects:
        report = reports[body_id]
        order[report.pk] = order.get(report.pk, 0) + 1
        if (report.pk, mandate.pk) not in have_mandates:
            entries.append(ReportEntry(report=report, mandate=mandate, order=order[report.pk]))
    for goal in goals:
        assert goal.owner_id is not None  # filtered by _goals_for
        report = reports[goal.owner_id]
        order[report.pk] = order.get(report.pk, 0) + 1
        if (report.pk, goal.pk) not in have_goals:
            entries.append(ReportEntry(report=report, goal=goal, order=order[report.pk]))
    ReportEntry.objects.bulk_create(entries)
    ReportEvent.objects.bulk_create(
        [
            ReportEvent(report=r, action=ReportEvent.Action.CREATED, actor=person(actor))
            for r in new_reports
        ]
    )
    if period.status != PeriodStatus.OPEN:
        period.status = PeriodStatus.OPEN
        period.opened_at = timezone.now()
        period.opened_by = person(actor)
        period.save(update_fields=["status", "opened_at", "opened_by"])
    if new_reports and notify:
        created = list(
            Report.objects.filter(
                period=period, body_id__in=[r.body_id for r in new_reports]
            ).select_related("body")
        )
        # Only once the period is surely open: a rolled-back opening sends nothing.
        transaction.on_commit(lambda: notifications.period_opened(period, created))
    return list(reports.values())


@records_actor
@transaction.atomic
def close_period(period: Period, *, actor) -> Period:
    """Close an open period: no more submissions; approvals of submitted reports still work."""
    period = Period.objects.select_for_update().get(pk=period.pk)
    if period.status != PeriodStatus.OPEN:
        raise ValidationError(_("Bara en öppen period kan stängas."))
    period.status = PeriodStatus.CLOSED
    period.save(update_fields=["status"])
    # Statistics keeps the period's published figures as they are now (they become final).
    transaction.on_commit(lambda: period_closed.send(sender=Period, period=period))
    return period


def _lock(report: Report) -> Report:
    return Report.objects.select_for_update().select_related("period", "body").get(pk=report.pk)


def _refuse_locked(report: Report) -> None:
    if report.status == ReportStatus.APPROVED:
        raise ValidationError(
            _("Rapporten är godkänd och låst; den kan inte längre ändras."), code="locked"
        )
    if report.status == ReportStatus.SUBMITTED:
        raise ValidationError(
            _(
                "Rapporten är inlämnad och väntar på godkännande; den kan ändras först om "
                "den återremitteras."
            ),
            code="submitted",
        )


@records_actor
@transaction.atomic
def update_report(
    report: Report,
    entries: Mapping[int, Mapping[str, Any]],
    summary: str | None = None,
    *,
    actor,
    version: int | None = None,
) -> Report:
    """Save the reporter's texts and assessments: ``entries`` maps entry id → changed fields
    (``assessment``, ``analysis``, ``measures``). Refused when the report is submitted or
    approved (locked).

    ``version`` is the report's version the writer read (``Report.version``): when someone
    else has saved since, nothing is saved and the refusal (code ``stale_version``) says who
    and when, so that the writer can compare before saving over it. Every save counts up the
    version."""
    report = _lock(report)
    _refuse_locked(report)
    # A writer's own newer save (an autosave still under way when they pressed save) is not
    # someone else's.
    mine = report.updated_by_id is not None and report.updated_by_id == getattr(actor, "pk", None)
    if version is not None and version != report.version and not mine:
        raise ValidationError(_stale_message(report), code="stale_version")
    known = {e.pk: e for e in report.entries.select_for_update()}
    errors: dict[str, list[str]] = {}
    changed: list[ReportEntry] = []
    for entry_id, data in entries.items():
        entry = known.get(int(entry_id))
        if entry is None:
            raise ValidationError(_("Posten hör inte till rapporten."), code="foreign_entry")
        for field in ("assessment", "analysis", "measures"):
            if field in data:
                setattr(entry, field, data[field] if data[field] is not None else "")
        try:
            entry.full_clean(exclude=["report", "mandate", "goal", "snapshot"])
        except ValidationError as exc:
            for field, messages in exc.message_dict.items():
                errors.setdefault(f"entry-{entry.pk}-{field}", []).extend(messages)
        changed.append(entry)
    if errors:
        raise ValidationError(errors)
    ReportEntry.objects.bulk_update(changed, ["assessment", "analysis", "measures", "updated_at"])
    if summary is not None:
        report.summary = summary
    report.version += 1
    report.updated_by = actor if getattr(actor, "pk", None) else None
    report.save(update_fields=["summary", "version", "updated_by", "updated_at"])
    return report


def _stale_message(report: Report) -> str:
    """Who saved the report last and when, as the writer who read an older version is told."""
    who = report.updated_by
    name = (who.get_full_name() or who.username) if who is not None else _("någon annan")
    return _(
        "%(name)s sparade rapporten %(at)s, efter att du öppnade den. Dina ändringar är inte "
        "sparade men finns kvar nedan; den sparade texten visas under varje fält som skiljer "
        "sig. Jämför, och spara igen för att ersätta den sparade versionen med din."
    ) % {"name": name, "at": f"{timezone.localtime(report.updated_at):%Y-%m-%d %H:%M}"}


@records_actor
@transaction.atomic
def update_entry(entry: ReportEntry, data: Mapping[str, Any], *, actor) -> ReportEntry:
    """Change one entry (the API's way); the same rules as :func:`update_report`."""
    update_report(entry.report, {entry.pk: data}, actor=actor)
    entry.refresh_from_db()
    return entry


def _take_snapshot(report: Report, *, actor) -> None:
    """Store each entry's indicator values as ``actor`` sees them now. A report handed in by no
    person (the demo loader) records them as an operator reads them: the whole municipality."""
    reader = actor if actor is not None else policy.Operator("followup:snapshot")
    entries = list(
        entries_with_indicators(
            report.entries.select_related("mandate", "goal"), report.period.end.year
        )
    )
    values = live_values(entries, report.period, user=reader)
    now = timezone.now()
    for entry in entries:
        entry.snapshot = values.get(entry.pk, [])
        entry.snapshot_at = now
    ReportEntry.objects.bulk_update(entries, ["snapshot", "snapshot_at"])


@records_actor
@transaction.atomic
def submit_report(report: Report, *, actor) -> Report:
    """Hand in a draft or returned report: every entry must be assessed; the indicator values
    as they stand now are stored with each entry."""
    report = _lock(report)
    if report.status not in EDITABLE:
        if report.status == ReportStatus.APPROVED:
            _refuse_locked(report)
        raise ValidationError(_("Rapporten är redan inlämnad."), code="already_submitted")
    if report.period.status != PeriodStatus.OPEN:
        raise ValidationError(
            _("Perioden %(code)s är inte öppen för inlämning.") % {"code": report.period.code},
            code="period_closed",
        )
    if timezone.localdate() < report.period.start:
        raise ValidationError(
            _(
                "Perioden %(code)s har inte börjat (den börjar %(start)s); rapporten kan lämnas "
                "in först när perioden har börjat. Spara den som utkast så länge."
            )
            % {"code": report.period.code, "start": f"{report.period.start:%Y-%m-%d}"},
            code="period_not_started",
        )
    unassessed = list(
        report.entries.filter(assessment=Assessment.NOT_ASSESSED)
        .select_related("mandate", "goal")
        .order_by("order", "pk")
    )
    if unassessed:
        names = "; ".join(str(e.subject) for e in unassessed[:5])
        more = len(unassessed) - 5
        message = _(
            "Rapporten kan inte lämnas in: %(count)s poster saknar bedömning (%(names)s)."
        ) % {"count": len(unassessed), "names": names + (f" … +{more}" if more > 0 else "")}
        raise ValidationError(message, code="incomplete")
    if not report.entries.exists():
        raise ValidationError(_("Rapporten har inga poster att lämna in."), code="empty")
    _take_snapshot(report, actor=actor)
    report.status = ReportStatus.SUBMITTED
    report.submitted_at = timezone.now()
    report.submitted_by = person(actor)
    report.return_comment = ""
    report.save()
    ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.SUBMITTED, actor=person(actor)
    )
    return report


@records_actor
@transaction.atomic
def return_report(report: Report, comment: str, *, actor) -> Report:
    """Send a submitted report back to its body with a comment; it becomes editable again."""
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        if report.status == ReportStatus.APPROVED:
            _refuse_locked(report)
        raise ValidationError(
            _("Bara en inlämnad rapport kan återremitteras."), code="not_submitted"
        )
    comment = (comment or "").strip()
    if not comment:
        raise ValidationError(
            {"comment": _("Skriv varför rapporten återremitteras.")}, code="comment_required"
        )
    report.status = ReportStatus.RETURNED
    report.return_comment = comment
    report.save()
    ReportEvent.objects.create(
        report=report, action=ReportEvent.Action.RETURNED, actor=person(actor), comment=comment
    )
    return report


@records_actor
@transaction.atomic
def register_approval_decision(report: Report, decision: Decision, *, actor) -> Decision:
    """Register, from the approval page, the decision that approves ``report``: a decision of
    the executive board or of the reporting body, taken after the period began, so that it is
    among the decisions the approval offers. The report is not approved yet — whoever
    approves picks the decision and confirms."""
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        if report.status == ReportStatus.APPROVED:
            raise ValidationError(_("Rapporten är redan godkänd."), code="already_approved")
        raise ValidationError(_("Bara en inlämnad rapport kan godkännas."), code="not_submitted")
    errors: dict[str, str] = {}
    if decision.body_id and not approving_bodies(report).filter(pk=decision.body_id).exists():
        errors["body"] = _("Välj kommunstyrelsen eller %(body)s.") % {"body": report.body.name}
    if decision.date and decision.date < report.period.start:
        errors["date"] = _(
            "Beslutet är fattat innan perioden började (%(start)s) och kan inte godkänna rapporten."
        ) % {"start": report.period.start.isoformat()}
    if errors:
        raise ValidationError(errors)
    return save_decision(decision, actor=actor)


@records_actor
@transaction.atomic
def approve_report(report: Report, decision: Decision | None, *, actor) -> Report:
    """Approve a submitted report with the decision that approved it; the report is then
    locked — its texts and its snapshot of indicator values never change again."""
    report = _lock(report)
    if report.status != ReportStatus.SUBMITTED:
        if report.status == ReportStatus.APPROVED:
            raise ValidationError(_("Rapporten är redan godkänd."), code="already_approved")
        raise ValidationError(_("Bara en inlämnad rapport kan godkännas."), code="not_submitted")
    if decision is None:
        raise ValidationError(
            {"decision": _("Ange beslutet som godkände rapporten.")}, code="decision_required"
        )
    if decision.body.municipality_id != report.body.municipality_id:
        raise ValidationError({"decision": _("Beslutet hör inte till kommunen.")})
    if report.entries.filter(snapshot_at__isnull=True).exists():
        _take_snapshot(report, actor=actor)
    report.status = ReportStatus.APPROVED
    report.decision = decision
    report.approved_at = timezone.now()
    report.approved_by = person(actor)
    report.full_clean(exclude=["period", "body"])
    report.save()
    ReportEvent.objects.create(
        report=report,
        action=ReportEvent.Action.APPROVED,
        actor=person(actor),
        comment=decision.reference,
    )
    return report
