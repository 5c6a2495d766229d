"""Pages for audits: thin, each guarded by one policy action named in its first line."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from etablera.accounts import policy
from etablera.web.forms import submit_form

from . import selectors, services, trace
from .forms import (
    ActionForm,
    AuditFilterForm,
    AuditForm,
    EvidenceForm,
    FollowUpForm,
    QuestionForm,
    RecommendationForm,
    ResponseForm,
)
from .models import (
    Action,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
)


def _recommendation(request: HttpRequest, pk: int | None) -> Recommendation:
    return policy.get_or_404(
        request.user, "audits.view", Recommendation.objects.select_related("audit"), pk=pk
    )


# --- audits ----------------------------------------------------------------------------------


@login_required
def audit_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "audits.view")
    form = AuditFilterForm(request.GET or None)
    body = form.cleaned_data["body"] if form.is_valid() else None
    page = Paginator(selectors.audits(request.user, body=body), 25).get_page(
        request.GET.get("sida")
    )
    today = timezone.localdate()
    counts = selectors.recommendation_counts([a.pk for a in page.object_list], today)
    rows = [(audit, counts[audit.pk]) for audit in page.object_list]
    return render(
        request,
        "audits/audit_list.html",
        {
            "form": form,
            "page": page,
            "rows": rows,
            "today": today,
            "can_create": policy.can(request.user, "audits.audit.change"),
        },
    )


@login_required
def audit_detail(request: HttpRequest, pk: int) -> HttpResponse:
    audit = policy.get_or_404(
        request.user, "audits.view", Audit.objects.prefetch_related("audited_bodies"), pk=pk
    )
    today = timezone.localdate()
    return render(
        request,
        "audits/audit_detail.html",
        {
            "page": selectors.audit_page(request.user, audit, today),
            "audit": audit,
            "today": today,
            "can_change": policy.can(request.user, "audits.audit.change"),
            "can_follow_up": policy.can(request.user, "audits.followup.change"),
        },
    )


@login_required
def audit_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, "audits.audit.change")
    audit = policy.get_or_404(request.user, "audits.view", Audit.objects, pk=pk) if pk else Audit()
    form = AuditForm(request.POST or None, request.FILES or None, instance=audit)
    return submit_form(
        request,
        form,
        lambda: services.save_audit(
            form.save(commit=False),
            actor=request.user,
            audited_bodies=form.cleaned_data["audited_bodies"],
        ),
        done=_("Granskningen har sparats."),
        context={"audit": audit},
        template="audits/audit_form.html",
        then=lambda saved: saved,
    )


@login_required
def audit_report_file(request: HttpRequest, pk: int) -> FileResponse:
    audit = policy.get_or_404(request.user, "audits.view", Audit.objects, pk=pk)
    if not audit.report_file:
        raise Http404
    return FileResponse(
        audit.report_file.open("rb"),
        as_attachment=False,
        filename=f"granskning-{audit.pk}.pdf",
        content_type="application/pdf",
    )


@login_required
def question_edit(request: HttpRequest, audit_pk: int, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, "audits.audit.change")
    audit = policy.get_or_404(request.user, "audits.view", Audit.objects, pk=audit_pk)
    question = (
        policy.get_or_404(request.user, "audits.view", audit.questions.all(), pk=pk)
        if pk
        else AuditQuestion(audit=audit, number=audit.questions.count() + 1)
    )
    form = QuestionForm(request.POST or None, instance=question)
    return submit_form(
        request,
        form,
        lambda: services.save_question(form.save(commit=False), actor=request.user),
        done=_("Revisionsfrågan har sparats."),
        then=audit,
        context={
            "audit": audit,
            "title": _("Ändra revisionsfråga") if pk else _("Ny revisionsfråga"),
        },
        template="audits/simple_form.html",
    )


@login_required
def recommendation_edit(request: HttpRequest, audit_pk: int, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, "audits.audit.change")
    audit = policy.get_or_404(request.user, "audits.view", Audit.objects, pk=audit_pk)
    recommendation = (
        policy.get_or_404(request.user, "audits.view", audit.recommendations.all(), pk=pk)
        if pk
        else Recommendation(audit=audit, number=audit.recommendations.count() + 1)
    )
    form = RecommendationForm(request.POST or None, instance=recommendation)
    return submit_form(
        request,
        form,
        lambda: services.save_recommendation(
            form.save(commit=False),
            actor=request.user,
            addressed_to=form.cleaned_data["addressed_to"],
        ),
        done=_("Rekommendationen har sparats."),
        then=audit,
        context={
            "audit": audit,
            "title": _("Ändra rekommendation") if pk else _("Ny rekommendation"),
        },
        template="audits/simple_form.html",
    )


# --- a recommendation and its chain ----------------------------------------------------------


@login_required
def recommendation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    recommendation = _recommendation(request, pk)
    today = timezone.localdate()
    return render(
        request,
        "audits/recommendation_detail.html",
        {
            "trace": trace.recommendation_trace(request.user, recommendation, today),
            "recommendation": recommendation,
            "audit": recommendation.audit,
            "today": today,
            "can_follow_up": policy.can(request.user, "audits.followup.change"),
        },
    )


# --- the bodies' responses and actions --------------------------------------------------------


@login_required
def response_edit(request: HttpRequest, audit_pk: int, pk: int | None = None) -> HttpResponse:
    policy.require(request.user, "audits.response.change")
    audit = policy.get_or_404(request.user, "audits.view", Audit.objects, pk=audit_pk)
    if pk:
        response = policy.get_or_404(request.user, "audits.view", audit.responses.all(), pk=pk)
        policy.require(request.user, "audits.response.change", response)
    else:
        response = Response(audit=audit, date=timezone.localdate())
    initial = {}
    if not pk and request.GET.get("rekommendation", "").isdigit():
        initial["recommendation"] = int(request.GET["rekommendation"])
    form = ResponseForm(
        request.POST or None, instance=response, audit=audit, user=request.user, initial=initial
    )
    return submit_form(
        request,
        form,
        lambda: services.save_response(form.save(commit=False), actor=request.user),
        done=_("Svaret har sparats."),
        then=audit,
        context={"audit": audit, "title": _("Ändra svar") if pk else _("Registrera svar")},
        template="audits/simple_form.html",
    )


@login_required
def action_edit(
    request: HttpRequest, recommendation_pk: int | None = None, pk: int | None = None
) -> HttpResponse:
    policy.require(request.user, "audits.action.change")
    if pk:
        action = policy.get_or_404(
            request.user,
            "audits.view",
            Action.objects.select_related("recommendation__audit"),
            pk=pk,
        )
        policy.require(request.user, "audits.action.change", action)
        recommendation = action.recommendation
    else:
        recommendation = _recommendation(request, recommendation_pk)
        action = Action(recommendation=recommendation)
    form = ActionForm(
        request.POST or None, instance=action, recommendation=recommendation, user=request.user
    )
    return submit_form(
        request,
        form,
        lambda: services.save_action(form.save(commit=False), actor=request.user),
        done=_("Åtgärden har sparats."),
        then=recommendation,
        context={
            "audit": recommendation.audit,
            "recommendation": recommendation,
            "title": _("Ändra åtgärd") if pk else _("Ny åtgärd"),
        },
        template="audits/simple_form.html",
    )


@login_required
def evidence_add(
    request: HttpRequest, recommendation_pk: int | None = None, action_pk: int | None = None
) -> HttpResponse:
    policy.require(request.user, "audits.evidence.change")
    source: Action | Recommendation
    if action_pk:
        source = policy.get_or_404(
            request.user,
            "audits.view",
            Action.objects.select_related("recommendation__audit"),
            pk=action_pk,
        )
        recommendation = source.recommendation
    else:
        source = recommendation = _recommendation(request, recommendation_pk)
    form = EvidenceForm(request.POST or None, user=request.user)
    return submit_form(
        request,
        form,
        lambda: services.add_evidence_by_reference(
            source,
            *form.cleaned_data["target"],  # content type id, object id
            actor=request.user,
            note=form.cleaned_data["note"],
        ),
        done=_("Underlaget har länkats."),
        then=recommendation,
        context={
            "audit": recommendation.audit,
            "recommendation": recommendation,
            "source": source,
            "title": _("Länka underlag"),
        },
        template="audits/simple_form.html",
    )


@login_required
@require_POST
def evidence_remove(request: HttpRequest, pk: int) -> HttpResponse:
    link = policy.get_or_404(
        request.user,
        "audits.evidence.change",
        EvidenceLink.objects.select_related("action__recommendation", "recommendation"),
        pk=pk,
    )
    recommendation = link.recommendation or link.action.recommendation
    services.remove_evidence(link, actor=request.user)
    messages.success(request, _("Länken till underlaget har tagits bort."))
    return redirect(recommendation)


# --- the auditors' follow-up ------------------------------------------------------------------


@login_required
def follow_up_create(request: HttpRequest, recommendation_pk: int) -> HttpResponse:
    policy.require(request.user, "audits.followup.change")
    recommendation = _recommendation(request, recommendation_pk)
    follow_up = AuditorFollowUp(recommendation=recommendation, date=timezone.localdate())
    form = FollowUpForm(request.POST or None, instance=follow_up)
    return submit_form(
        request,
        form,
        lambda: services.record_follow_up(form.save(commit=False), actor=request.user),
        done=_("Revisorernas bedömning har registrerats."),
        then=recommendation,
        context={
            "audit": recommendation.audit,
            "recommendation": recommendation,
            "title": _("Revisorernas uppföljning"),
        },
        template="audits/simple_form.html",
    )
