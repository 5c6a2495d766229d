"""The rules of the governance check: the gaps the 2022 audit found, looked for every day.

To add a rule, write one function here::

    @rule("GOV-10", _("Kort rubrik"), Severity.WARNING)
    def my_rule(rule, ctx):
        \"\"\"What it finds, and why it matters.\"\"\"
        for obj in SomeModel.objects.filter(...).select_related(...):
            yield ctx.finding(rule, obj, _("Swedish message about %(x)s") % {...}, bodies=[...])

Codes are stable: never reuse or renumber one. Each rule reads the database in a fixed, small
number of queries (filters, ``select_related``, ``Exists``), never one per object.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from .registry import Severity, ref, rule

# --- mandates ---------------------------------------------------------------------------------


def _active_mandates():
    from etablera.mandates.models import Mandate, MandateStatus

    return Mandate.objects.filter(status=MandateStatus.ACTIVE).select_related("performer_unit")


def _mandate_bodies(mandate) -> list[int | None]:
    performer = mandate.performer_unit.body_id if mandate.performer_unit_id else None
    return [mandate.owner_id, mandate.performer_body_id, performer]


@rule("GOV-01", _lazy("Uppdrag utan uppföljningsansvarig"), Severity.WARNING)
def mandate_without_follow_up(rule, ctx):
    """An active mandate names no body that follows it up (R5)."""
    for mandate in _active_mandates().filter(follow_up_body__isnull=True):
        yield ctx.finding(
            rule,
            mandate,
            _("Uppdraget ”%(title)s” har ingen uppföljningsansvarig.") % {"title": mandate.title},
            bodies=_mandate_bodies(mandate),
        )


@rule("GOV-02", _lazy("Beställt uppdrag utan beslut"), Severity.ERROR)
def commissioned_without_decision(rule, ctx):
    """A mandate commissioned by KS, KF or an agreement has no decision reference (R6)."""
    from etablera.mandates.models import COMMISSIONED

    qs = _active_mandates().filter(origin__in=COMMISSIONED, decision__isnull=True)
    for mandate in qs.select_related("commissioned_by"):
        who = mandate.commissioned_by.short_name if mandate.commissioned_by_id else "?"
        yield ctx.finding(
            rule,
            mandate,
            _("Uppdraget ”%(title)s” är beställt av %(who)s men saknar beslut.")
            % {"title": mandate.title, "who": who},
            bodies=[*_mandate_bodies(mandate), mandate.commissioned_by_id],
        )


@rule("GOV-03", _lazy("Beställt uppdrag utan återrapport"), Severity.WARNING)
def commissioned_without_report(rule, ctx):
    """A commissioned mandate has no entry in a submitted or approved report of the last
    closed period that its report frequency calls for (R7)."""
    from etablera.followup.models import Period, PeriodKind, PeriodStatus, ReportEntry
    from etablera.followup.models import ReportStatus as RS
    from etablera.mandates.models import COMMISSIONED, ReportFrequency

    closed = list(Period.objects.filter(status=PeriodStatus.CLOSED).order_by("-end", "pk"))
    if not closed:
        return
    kinds = {
        ReportFrequency.TERTIAL: None,  # any period
        ReportFrequency.OTHER: None,
        ReportFrequency.INTERIM: {PeriodKind.INTERIM, PeriodKind.ANNUAL},
        ReportFrequency.ANNUAL: {PeriodKind.ANNUAL},
    }
    by_period: dict = {}
    for frequency, allowed in kinds.items():
        period = next((p for p in closed if allowed is None or p.kind in allowed), None)
        if period is not None:
            by_period.setdefault(period, []).append(frequency)
    for period, frequencies in by_period.items():
        reported = ReportEntry.objects.filter(
            mandate=OuterRef("pk"),
            report__period=period,
            report__status__in=[RS.SUBMITTED, RS.APPROVED],
        )
        qs = (
            _active_mandates()
            .filter(origin__in=COMMISSIONED, report_frequency__in=frequencies)
            .filter(Q(start__isnull=True) | Q(start__lte=period.end))
            .filter(Q(end__isnull=True) | Q(end__gte=period.start))
            .filter(~Exists(reported))
        )
        for mandate in qs:
            yield ctx.finding(
                rule,
                mandate,
                _(
                    "Det beställda uppdraget ”%(title)s” har ingen återrapport i den senast "
                    "stängda perioden %(period)s."
                )
                % {"title": mandate.title, "period": period.code},
                bodies=[*_mandate_bodies(mandate), mandate.commissioned_by_id],
            )


# --- goals ------------------------------------------------------------------------------------


@rule("GOV-04", _lazy("Mål utan ägare eller indikator"), Severity.WARNING)
def goal_without_owner_or_indicator(rule, ctx):
    """A goal in force has no owner (warning), or no indicator to measure it (information)."""
    from etablera.goals.models import Goal, Indicator

    has_indicator = Exists(Indicator.goals.through.objects.filter(goal_id=OuterRef("pk")))
    qs = (
        Goal.objects.filter(Q(valid_to__isnull=True) | Q(valid_to__gte=ctx.today))
        .annotate(has_indicator=has_indicator)
        .filter(Q(owner__isnull=True) | Q(has_indicator=False))
    )
    for goal in qs:
        if goal.owner_id is None:
            yield ctx.finding(
                rule, goal, _("Målet ”%(title)s” har ingen ägare.") % {"title": goal.title}
            )
        if not goal.has_indicator:
            yield ctx.finding(
                rule,
                goal,
                _("Målet ”%(title)s” har ingen indikator som mäter det.") % {"title": goal.title},
                bodies=[goal.owner_id],
                severity=Severity.INFO,
            )


# --- policy areas -----------------------------------------------------------------------------


@rule("GOV-05", _lazy("Politikområde utan strategisk ägare"), Severity.WARNING)
def area_without_strategic_owner(rule, ctx):
    """A policy area has operational mandates but no strategic one: nobody owns the whole (R1)."""
    from etablera.mandates.models import Level, Mandate, MandateStatus, PolicyArea

    active = Mandate.objects.filter(policy_area=OuterRef("pk"), status=MandateStatus.ACTIVE)
    areas = list(
        PolicyArea.objects.annotate(
            operational=Exists(active.filter(level=Level.OPERATIONAL)),
            strategic=Exists(active.filter(level=Level.STRATEGIC)),
        ).filter(operational=True, strategic=False)
    )
    if not areas:
        return
    bodies: dict[int, set] = {area.pk: set() for area in areas}
    rows = (
        _active_mandates()
        .filter(policy_area__in=areas, level=Level.OPERATIONAL)
        .values_list("policy_area_id", "owner_id", "performer_body_id", "performer_unit__body_id")
    )
    for area_id, *ids in rows:
        bodies[area_id].update(ids)
    for area in areas:
        yield ctx.finding(
            rule,
            area,
            _(
                "Politikområdet %(area)s har operativa uppdrag men inget strategiskt uppdrag, "
                "alltså ingen strategisk ägare."
            )
            % {"area": area.name},
            bodies=bodies[area.pk],
        )


# --- steering documents -----------------------------------------------------------------------


@rule("GOV-06", _lazy("Styrdokument inte reviderat eller inte kvitterat"), Severity.WARNING)
def document_review_and_acknowledgement(rule, ctx):
    """A steering document is past its review date; or a body (or unit) has not acknowledged a
    version sent to it by the deadline (R2)."""
    from etablera.documents.models import Distribution, SteeringDocument, VersionStatus

    for document in SteeringDocument.objects.filter(review_by__lt=ctx.today):
        yield ctx.finding(
            rule,
            document,
            _("Styrdokumentet ”%(title)s” skulle ha reviderats senast %(date)s.")
            % {"title": document.title, "date": f"{document.review_by:%Y-%m-%d}"},
            bodies=[document.owner_id],
        )
    overdue = (
        Distribution.objects.filter(deadline__lt=ctx.today, acknowledgement__isnull=True)
        .exclude(version__status=VersionStatus.SUPERSEDED)
        .select_related("version__document", "body", "unit__body")
    )
    for distribution in overdue:
        version = distribution.version
        recipient = distribution.recipient_label
        yield ctx.finding(
            rule,
            ref(distribution, label=f"{version} – {recipient}", url=_url(version)),
            _(
                "%(recipient)s har inte kvitterat ”%(version)s”, som skulle ha kvitterats "
                "senast %(date)s."
            )
            % {
                "recipient": recipient,
                "version": version,
                "date": f"{distribution.deadline:%Y-%m-%d}",
            },
            bodies=[
                distribution.body_id,
                distribution.unit.body_id if distribution.unit_id else None,
                version.document.owner_id,
            ],
        )


def _url(obj) -> str:
    from .registry import object_url

    return object_url(obj) or object_url(getattr(obj, "document", obj))


# --- audits -----------------------------------------------------------------------------------


@rule(
    "GOV-07",
    _lazy("Granskningsrekommendation utan åtgärd eller med försenad åtgärd"),
    Severity.WARNING,
)
def recommendation_without_action(rule, ctx):
    """An audit recommendation has no action (and the auditors have not found it addressed);
    or an action is past its due date and neither done nor dropped."""
    from etablera.audits.models import Action, Assessment, Recommendation

    recommendations = (
        Recommendation.objects.with_state(ctx.today)
        .filter(has_action=False)
        # An assessment of NULL (none yet) must count as "not addressed", which exclude() on a
        # subquery annotation would not do.
        .filter(Q(latest_assessment__isnull=True) | ~Q(latest_assessment=Assessment.ADDRESSED))
        .select_related("audit")
        .prefetch_related("addressed_to")
    )
    for rec in recommendations:
        yield ctx.finding(
            rule,
            rec,
            _("%(rec)s i ”%(audit)s” har ingen åtgärd.")
            % {"rec": rec.label, "audit": rec.audit.title},
            bodies=[b.pk for b in rec.addressed_to.all()],
        )
    actions = (
        Action.objects.overdue(ctx.today)
        .select_related("recommendation__audit", "responsible_body")
        .prefetch_related("recommendation__addressed_to")
    )
    for action in actions:
        rec = action.recommendation
        yield ctx.finding(
            rule,
            action,
            _(
                "Åtgärden ”%(action)s” (%(rec)s, %(body)s) skulle ha varit klar %(date)s men "
                "är inte genomförd."
            )
            % {
                "action": str(action),
                "rec": rec.label,
                "body": action.responsible_body.short_name,
                "date": f"{action.due_date:%Y-%m-%d}",
            },
            bodies=[action.responsible_body_id, *(b.pk for b in rec.addressed_to.all())],
        )


# --- the register -----------------------------------------------------------------------------


@rule("GOV-08", _lazy("Insats utan beställande uppdrag"), Severity.ERROR)
def intervention_without_mandate(rule, ctx):
    """A running intervention is not linked to the mandate that commissions it (R7)."""
    from etablera.register.models import Intervention

    qs = Intervention.objects.filter(commissioning_mandate__isnull=True).filter(
        Q(end__isnull=True) | Q(end__gte=ctx.today)
    )
    for intervention in qs.select_related("provider_unit"):
        yield ctx.finding(
            rule,
            intervention,
            _("Insatsen ”%(name)s” (%(unit)s) är inte kopplad till något uppdrag.")
            % {"name": intervention.name, "unit": intervention.provider_unit.name},
            bodies=[intervention.provider_unit.body_id],
        )


# --- follow-up --------------------------------------------------------------------------------


@rule("GOV-09", _lazy("Rapport inte inlämnad i tid"), Severity.WARNING)
def report_not_submitted(rule, ctx):
    """A body's report is still a draft (or returned) after the period's report deadline (R4)."""
    from etablera.followup.models import EDITABLE, Report

    qs = Report.objects.filter(status__in=EDITABLE, period__deadline__lt=ctx.today)
    for report in qs.select_related("period", "body"):
        yield ctx.finding(
            rule,
            report,
            _("%(body)s har inte lämnat in sin rapport för %(period)s (sista dag %(date)s).")
            % {
                "body": report.body.name,
                "period": report.period.code,
                "date": f"{report.period.deadline:%Y-%m-%d}",
            },
            bodies=[report.body_id],
        )
