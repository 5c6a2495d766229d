"""Pages of the register: thin, each guarded by one policy action.

Identity numbers travel only in POST bodies (the search form), never in URLs; pages show the
masked form (19900101-****). Every page that shows a participant writes the access log.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from etablera.accounts import policy
from etablera.accounts.access_log import log_access
from etablera.web.forms import run_service, submit_form
from etablera.web.xlsx import XLSX_TYPE

from . import import_templates, keyset, selectors, services
from .forms import (
    EndEnrolmentForm,
    EnrolmentForm,
    ImportForm,
    InterventionFilterForm,
    InterventionForm,
    NameSearchForm,
    ObservationForm,
    ParticipantEditForm,
    ParticipantFilterForm,
    ParticipantForm,
    SearchForm,
)
from .importing.engine import (
    ErrorSink,
    ImportScope,
    check_file,
    run_import,
    save_error_report,
)
from .importing.upload import LimitedUploadHandler, content_too_large
from .jobs import start_import_job
from .models import (
    Enrolment,
    FollowUpDay,
    ImportKind,
    ImportRun,
    Intervention,
    Participant,
    RegistrationConflict,
)

PAGE_SIZE = 50
ERROR_DIR = "register-imports"


# --- interventions (not personal data) -----------------------------------------------------------


@login_required
def intervention_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "register.intervention.view")
    form = InterventionFilterForm(request.GET or None)
    category = query = ""
    if form.is_valid():
        category, query = form.cleaned_data["category"], form.cleaned_data["q"]
    page = Paginator(
        selectors.interventions(request.user, category=category, query=query), PAGE_SIZE
    ).get_page(request.GET.get("sida"))
    count_note = selectors.protect_counts(request.user, page.object_list)
    return render(
        request,
        "register/intervention_list.html",
        {
            "form": form,
            "page": page,
            "count_note": count_note,
            "can_change": policy.can(request.user, "register.intervention.change"),
        },
    )


@login_required
def intervention_detail(request: HttpRequest, pk: int) -> HttpResponse:
    intervention = policy.get_or_404(
        request.user,
        "register.intervention.view",
        selectors.interventions(request.user),
        pk=pk,
    )
    count_note = selectors.protect_counts(request.user, [intervention])
    return render(
        request,
        "register/intervention_detail.html",
        {
            "intervention": intervention,
            "count_note": count_note,
            "can_change": policy.can(request.user, "register.intervention.change", intervention),
            "can_see_participants": policy.can(request.user, "register.participant.view"),
        },
    )


@login_required
def intervention_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    intervention = policy.get_for_change(
        request.user,
        "register.intervention.view",
        "register.intervention.change",
        Intervention.objects,
        pk,
    )
    from etablera.mandates.models import Mandate

    form = InterventionForm(
        request.POST or None,
        instance=intervention,
        units=selectors.units_for(request.user, "register.intervention.change"),
        mandates=Mandate.objects.select_related("owner").order_by("title"),
    )
    return submit_form(
        request,
        form,
        lambda: services.save_intervention(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Insatsen %(name)s har sparats.") % {"name": saved.name},
        then=lambda saved: reverse("register:intervention-detail", args=[saved.pk]),
        template="register/intervention_form.html",
        context={"intervention": intervention},
    )


# --- participants --------------------------------------------------------------------------------


@login_required
def participant_search(request: HttpRequest) -> HttpResponse:
    """The unit's participants with names, filters and orders (GET), a page at a time, and the
    exact search by number (POST, so the number never appears in a URL)."""
    policy.require(request.user, "register.participant.view")
    if request.method == "POST" and "namn" in request.POST:
        return _search_by_name(request)
    form = SearchForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        found = selectors.find_participant(request.user, form.cleaned_data["query"])
        if found is not None:
            log_access(request.user, "search", found, detail="found by exact number")
            return redirect("register:participant-detail", pk=found.pk)
        not_found = True
        form = SearchForm()  # the typed number is not echoed back into the page
    filters_form = ParticipantFilterForm(
        request.GET, interventions=selectors.interventions(request.user)
    )
    filters = selectors.ParticipantFilters(name=request.session.get(NAME_SEARCH, ""))
    if filters_form.is_valid():
        data = filters_form.cleaned_data
        filters = selectors.ParticipantFilters(
            name=request.session.get(NAME_SEARCH, ""),
            mine=data["mina"],
            active=data["aktiva"],
            follow_up_due=data["uppfoljning"],
            intervention_id=data["insats"].pk if data["insats"] else None,
            status_id=data["status"].pk if data["status"] else None,
            order=data["ordning"] or "registrerad",
        )
    queryset = selectors.filtered_participants(request.user, filters)
    page = keyset.page(
        queryset,
        selectors.PARTICIPANT_ORDERS[filters.effective_order],
        keyset.parse_after(request.GET.get("efter")),
        PAGE_SIZE,
    )
    selectors.with_enrolment_counts(page.rows)
    if page.rows:
        detail = "participant list, name search" if filters.name else "participant list"
        log_access(request.user, "view", page.rows, detail=detail)
    return render(
        request,
        "register/participant_search.html",
        {
            "form": form,
            "filters_form": filters_form,
            "name_form": NameSearchForm(initial={"namn": filters.name}),
            "name_search": filters.name,
            "filtered": filters != selectors.ParticipantFilters(order=filters.order),
            "not_found": not_found,
            "page": page,
            "can_create": policy.can(request.user, "register.participant.change"),
            "can_import": policy.can(request.user, "register.import"),
        },
    )


#: Where the participant list keeps its search by name (see ``NameSearchForm``).
NAME_SEARCH = "register.participant_name_search"


def _search_by_name(request: HttpRequest) -> HttpResponse:
    """Keep (or, with ``rensa``, forget) the name searched for, and show the list from its
    first page with the filters it had: the name never goes into the URL."""
    form = NameSearchForm(request.POST)
    name = form.cleaned_data["namn"].strip() if form.is_valid() else ""
    if name and "rensa" not in request.POST:
        request.session[NAME_SEARCH] = name
    else:
        request.session.pop(NAME_SEARCH, None)
    query = request.GET.copy()
    query.pop("efter", None)
    url = reverse("register:participant-search")
    return redirect(f"{url}?{query.urlencode()}" if query else url)


@login_required
def participant_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "register.participant.change")
    units = selectors.units_for(request.user, "register.participant.change")
    form = ParticipantForm(request.POST or None, units=units)
    if request.method == "POST" and form.is_valid():
        participant = form.save(commit=False)
        saved = run_service(
            form,
            services.register_participant,
            participant,
            actor=request.user,
            kind=form.cleaned_data["identity_kind"],
            number=form.cleaned_data["identity_number"],
            reserve=form.cleaned_data["reserve_number"],
        )
        if saved:
            messages.success(
                request, _("Deltagaren %(label)s har registrerats.") % {"label": saved.label}
            )
            return redirect("register:participant-detail", pk=saved.pk)
        # Never send a typed number back in the page after a failure.
        data = form.data.copy()
        data["identity_number"] = ""
        form.data = data
    return render(request, "register/participant_form.html", {"form": form})


def _participant_page(pk: int) -> str:
    return reverse("register:participant-detail", args=[pk])


def _shown(request: HttpRequest, participant: Participant, what: str, /, **context: Any):
    """A form page's context, read when the page is shown — which the access log records."""

    def shown() -> dict[str, Any]:
        log_access(request.user, "view", participant, detail=what)
        return context

    return shown


def _participant(request: HttpRequest, pk: int, action: str = "register.participant.view"):
    participant = policy.get_or_404(
        request.user,
        "register.participant.view",
        Participant.objects.select_related("owning_unit", "responsible_coach"),
        pk=pk,
    )
    if action != "register.participant.view":
        policy.require(request.user, action, participant)
    return participant


@login_required
def participant_detail(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk)
    log_access(request.user, "view", participant, detail="participant page")
    return render(
        request,
        "register/participant_detail.html",
        {
            "participant": participant,
            "enrolments": selectors.participant_enrolments(participant),
            "shared_with": selectors.shared_with(participant),
            "points": FollowUpDay.choices,
            "can_change": policy.can(request.user, "register.participant.change", participant),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def participant_reveal(request: HttpRequest, pk: int) -> HttpResponse:
    """Show the number in clear, on request, once; the access log records it."""
    participant = _participant(request, pk)
    number = services.reveal_identity(participant, actor=request.user, purpose="participant page")
    response = render(
        request,
        "register/participant_reveal.html",
        {"participant": participant, "number": number},
    )
    response["Cache-Control"] = "no-store"
    return response


@login_required
def participant_edit(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk, "register.participant.change")
    form = ParticipantEditForm(
        request.POST or None, instance=participant, coaches=selectors.coaches_for(participant)
    )
    return submit_form(
        request,
        form,
        lambda: services.update_participant(form.save(commit=False), actor=request.user),
        done=_("Uppgifterna har sparats."),
        then=_participant_page(participant.pk),
        template="register/participant_edit.html",
        context=_shown(request, participant, "participant edit form", participant=participant),
    )


@login_required
def enrolment_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk, "register.enrolment.change")
    form = EnrolmentForm(
        request.POST or None,
        instance=Enrolment(participant=participant),
        initial={"start": timezone.localdate()},
    )
    return submit_form(
        request,
        form,
        lambda: services.enrol(form.save(commit=False), actor=request.user),
        done=lambda saved: (
            _("Deltagaren är inskriven i %(name)s.") % {"name": saved.intervention.name}
        ),
        then=_participant_page(participant.pk),
        template="register/enrolment_form.html",
        context=_shown(request, participant, "enrolment form", participant=participant),
    )


def _enrolment(request: HttpRequest, pk: int, action: str) -> Enrolment:
    enrolment = policy.get_or_404(
        request.user,
        "register.enrolment.view",
        Enrolment.objects.select_related("participant", "intervention"),
        pk=pk,
    )
    policy.require(request.user, action, enrolment)
    return enrolment


@login_required
def enrolment_end(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk, "register.enrolment.change")
    form = EndEnrolmentForm(
        request.POST or None,
        initial={
            "end": enrolment.end or timezone.localdate(),
            "exit_status": enrolment.exit_status,
        },
    )
    return submit_form(
        request,
        form,
        lambda: services.end_enrolment(
            enrolment,
            actor=request.user,
            end=form.cleaned_data["end"],
            exit_status=form.cleaned_data["exit_status"],
        ),
        done=_("Deltagandet är avslutat."),
        then=_participant_page(enrolment.participant_id),
        template="register/enrolment_end.html",
        context=_shown(
            request,
            enrolment.participant,
            "end enrolment form",
            enrolment=enrolment,
            participant=enrolment.participant,
        ),
    )


@login_required
def observation_create(request: HttpRequest, pk: int) -> HttpResponse:
    enrolment = _enrolment(request, pk, "register.observation.change")
    if enrolment.end is None:
        raise Http404
    initial_days = request.GET.get("dagar", "90")
    from .models import OutcomeObservation

    form = ObservationForm(
        request.POST or None,
        instance=OutcomeObservation(enrolment=enrolment),
        initial={"days_after_exit": initial_days, "observed_on": timezone.localdate()},
    )
    due = request.POST.get("next_page") == "due"
    return submit_form(
        request,
        form,
        lambda: services.record_observation(form.save(commit=False), actor=request.user),
        done=_("Uppföljningen har registrerats."),
        then=reverse("register:follow-ups") if due else _participant_page(enrolment.participant_id),
        template="register/observation_form.html",
        context=_shown(
            request,
            enrolment.participant,
            "follow-up form",
            enrolment=enrolment,
            participant=enrolment.participant,
            next_page=request.GET.get("fran", request.POST.get("next_page", "")),
        ),
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """ "Uppföljningar att göra": exits 90, 180 or 365 days ago without an observation."""
    policy.require(request.user, "register.observation.change")
    queryset, expand = selectors.due_follow_ups(request.user)
    page = keyset.page(
        queryset, ("end", "pk"), keyset.parse_after(request.GET.get("efter")), PAGE_SIZE
    )
    points = expand(page.rows)
    if points:
        log_access(
            request.user,
            "view",
            list({p.enrolment.participant.pk: p.enrolment.participant for p in points}.values()),
            detail="follow-ups due",
        )
    return render(request, "register/follow_ups.html", {"page": page, "points": points})


@login_required
def conflicts(request: HttpRequest) -> HttpResponse:
    """The register's administrator's cases: people registered again under another unit.

    Each open case shows the person and the registration held for review (masked, with their
    units and enrolments) and takes one decision: transfer, shared participation or reject
    (``services.resolve_conflict``). The decisions taken lately are listed below them.
    """
    policy.require(request.user, "register.conflict.resolve")
    if request.method == "POST":
        conflict = policy.get_or_404(
            request.user,
            "register.conflict.resolve",
            RegistrationConflict.objects.all(),
            pk=request.POST.get("conflict") or 0,
        )
        decision = request.POST.get("action", "")
        try:
            services.resolve_conflict(conflict, actor=request.user, decision=decision)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, str(DECIDED[services.Resolution(decision)]))
        return redirect("register:conflicts")
    page = Paginator(selectors.open_conflicts(request.user), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    decided = list(selectors.decided_conflicts(request.user)[:20])
    shown = {}
    for conflict in [*page.object_list, *decided]:
        shown[conflict.participant.pk] = conflict.participant
        if conflict.held is not None:
            shown[conflict.held.pk] = conflict.held
    if shown:
        log_access(request.user, "view", list(shown.values()), detail="registration conflicts")
    response = render(
        request,
        "register/conflicts.html",
        {"page": page, "decided": decided, "decisions": services.Resolution.choices},
    )
    response["Cache-Control"] = "no-store"
    return response


#: What the register's administrator is told after each decision.
DECIDED: dict[services.Resolution, object] = {
    services.Resolution.TRANSFER: _lazy("Deltagaren har förts över till den begärande enheten."),
    services.Resolution.SHARE: _lazy("Deltagaren delas nu mellan enheterna."),
    services.Resolution.REJECT: _lazy("Registreringen har avslagits."),
}


# --- import ---------------------------------------------------------------------------------------


@csrf_exempt
def import_upload(request: HttpRequest) -> HttpResponse:
    """The upload page. Too large a body is refused from its Content-Length before a byte of it
    is read; a body that turns out larger while streaming is cut off by the upload handler."""
    limit = settings.ETABLERA_MAX_UPLOAD_MB * 1024 * 1024
    if request.method == "POST":
        if content_too_large(request, limit):
            return _refuse_upload(request, limit)
        request.upload_handlers.insert(0, LimitedUploadHandler(limit, request))
    return _import_upload(request, limit)


def _refuse_upload(request: HttpRequest, limit: int) -> HttpResponse:
    response = render(
        request,
        "register/import_too_large.html",
        {"limit_mb": limit // (1024 * 1024)},
        status=413,
    )
    response["Connection"] = "close"
    return response


@login_required
@csrf_protect
def _import_upload(request: HttpRequest, limit: int) -> HttpResponse:
    policy.require(request.user, "register.import")
    units = selectors.units_for(request.user, "register.import")
    form = ImportForm(request.POST or None, request.FILES or None, units=units)
    valid = request.method == "POST" and form.is_valid()
    if getattr(request, "upload_too_large", False):
        return _refuse_upload(request, limit)
    result = None
    if valid:
        upload = form.cleaned_data["file"]
        unit = form.cleaned_data["unit"]
        paths = tuple(
            u.path
            for u in units
            if not any(u.path.startswith(o.path) and u.pk != o.pk for o in units)
        )
        scope = ImportScope(default_unit=unit, allowed_paths=paths)
        if upload.size > settings.ETABLERA_BACKGROUND_IMPORT_KB * 1024:
            # A large file is imported by a background job: a proxy's timeout or a closed
            # browser cannot cut it off, and its page shows the result when it is done. A
            # file that cannot be an import at all is refused now, not by the job.
            result = check_file(
                form.cleaned_data["kind"],
                upload.file,
                file_name=Path(upload.name).name,
                scope=scope,
                actor=request.user,
            )
        if result is None and upload.size > settings.ETABLERA_BACKGROUND_IMPORT_KB * 1024:
            job = start_import_job(
                request.user,
                upload,
                kind=form.cleaned_data["kind"],
                unit=unit,
                allowed_paths=paths,
                dry_run=form.cleaned_data["dry_run"],
            )
            return redirect("jobs:detail", pk=job.pk)
        if result is None:
            result = run_import(
                form.cleaned_data["kind"],
                upload.file,
                file_name=Path(upload.name).name,
                scope=scope,
                actor=request.user,
                dry_run=form.cleaned_data["dry_run"],
                errors=ErrorSink(keep=500),
            )
        if result.errors.count and result.run:
            directory = Path(settings.MEDIA_ROOT) / ERROR_DIR
            name = save_error_report(result, directory)
            ImportRun.objects.filter(pk=result.run.pk).update(error_file=f"{ERROR_DIR}/{name}")
    return render(
        request,
        "register/import.html",
        {
            "form": form,
            "result": result,
            "limit_mb": limit // (1024 * 1024),
            "background_kb": settings.ETABLERA_BACKGROUND_IMPORT_KB,
            "runs": selectors.import_runs(request.user)[:10],
            "templates": [
                (kind, label, import_templates.headers(kind)) for kind, label in ImportKind.choices
            ],
        },
        status=_import_status(request, form, result),
    )


def _import_status(request: HttpRequest, form: ImportForm, result) -> int:
    """400 for a form that is not filled in right, 422 for a file that was refused (nothing
    was written, the page says why), else 200."""
    if request.method == "POST" and not form.is_valid():
        return 400
    if result is not None and not result.ok:
        return 422
    return 200


@login_required
def import_template(request: HttpRequest, kind: str, fmt: str) -> HttpResponse:
    """An empty file with the headers the import accepts (no personal data)."""
    policy.require(request.user, "register.import")
    if kind not in import_templates.COLUMNS or fmt not in import_templates.FORMATS:
        raise Http404
    name = f"mall-{ImportKind(kind).label.lower()}.{fmt}"
    if fmt == "csv":
        body, content_type = import_templates.csv_bytes(kind), "text/csv; charset=utf-8"
    else:
        body, content_type = import_templates.xlsx_bytes(kind), XLSX_TYPE
    response = HttpResponse(body, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@login_required
def import_errors(request: HttpRequest, pk: int) -> FileResponse:
    """The error report of an import (masked values only) as CSV."""
    run = policy.get_or_404(request.user, "register.import", ImportRun.objects, pk=pk)
    if not run.error_file:
        raise Http404
    path = (Path(settings.MEDIA_ROOT) / run.error_file).resolve()
    if not path.is_file() or Path(settings.MEDIA_ROOT).resolve() not in path.parents:
        raise Http404
    log_access(request.user, "export", run, detail="import error report")
    return FileResponse(
        path.open("rb"),
        as_attachment=True,
        filename=f"importfel-{run.pk}.csv",
        content_type="text/csv; charset=utf-8",
    )
