"""Pages of the register: thin, each guarded by one policy action.

Identity numbers travel only in POST bodies (the search form), never in URLs; pages show the
masked form (19900101-****). Every page that shows a participant writes the access log.
"""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_POST

from etablera.accounts import policy
from etablera.accounts.access_log import log_access
from etablera.statistics import counts
from etablera.web.forms import run_service

from . import selectors, services
from .forms import (
    EndEnrolmentForm,
    EnrolmentForm,
    ImportForm,
    InterventionFilterForm,
    InterventionForm,
    ObservationForm,
    ParticipantEditForm,
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
    counts.protect(request.user, page.object_list)
    return render(
        request,
        "register/intervention_list.html",
        {
            "form": form,
            "page": page,
            "count_note": counts.note(request.user),
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
    counts.protect(request.user, [intervention])
    return render(
        request,
        "register/intervention_detail.html",
        {
            "intervention": intervention,
            "count_note": counts.note(request.user),
            "can_change": policy.can(request.user, "register.intervention.change", intervention),
            "can_see_participants": policy.can(request.user, "register.participant.view"),
        },
    )


@login_required
def intervention_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    if pk is None:
        policy.require(request.user, "register.intervention.change")
        intervention = Intervention()
    else:
        intervention = policy.get_or_404(
            request.user, "register.intervention.view", Intervention.objects, pk=pk
        )
        policy.require(request.user, "register.intervention.change", intervention)
    from etablera.mandates.models import Mandate

    form = InterventionForm(
        request.POST or None,
        instance=intervention,
        units=selectors.units_for(request.user, "register.intervention.change"),
        mandates=Mandate.objects.select_related("owner").order_by("title"),
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.save_intervention, form.save(commit=False))
        if saved:
            messages.success(request, _("Insatsen %(name)s har sparats.") % {"name": saved.name})
            return redirect("register:intervention-detail", pk=saved.pk)
    return render(
        request, "register/intervention_form.html", {"form": form, "intervention": intervention}
    )


# --- participants --------------------------------------------------------------------------------


@login_required
def participant_search(request: HttpRequest) -> HttpResponse:
    """Exact search by number (POST, so the number never appears in a URL) and the list of the
    unit's participants, newest first (masked)."""
    policy.require(request.user, "register.participant.view")
    form = SearchForm(request.POST or None)
    not_found = False
    if request.method == "POST" and form.is_valid():
        found = selectors.find_participant(request.user, form.cleaned_data["query"])
        if found is not None:
            log_access(request.user, "search", found, detail="found by exact number")
            return redirect("register:participant-detail", pk=found.pk)
        not_found = True
        form = SearchForm()  # the typed number is not echoed back into the page
    page = Paginator(selectors.participants(request.user), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    if page.object_list:
        log_access(request.user, "view", list(page.object_list), detail="participant list")
    return render(
        request,
        "register/participant_search.html",
        {
            "form": form,
            "not_found": not_found,
            "page": page,
            "can_create": policy.can(request.user, "register.participant.change"),
            "can_import": policy.can(request.user, "register.import"),
        },
    )


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


def _participant(request: HttpRequest, pk: int, action: str = "register.participant.view"):
    participant = policy.get_or_404(
        request.user,
        "register.participant.view",
        Participant.objects.select_related("owning_unit"),
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
    form = ParticipantEditForm(request.POST or None, instance=participant)
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, services.update_participant, form.save(commit=False), actor=request.user
        )
        if saved:
            messages.success(request, _("Uppgifterna har sparats."))
            return redirect("register:participant-detail", pk=saved.pk)
    log_access(request.user, "view", participant, detail="participant edit form")
    return render(
        request, "register/participant_edit.html", {"form": form, "participant": participant}
    )


@login_required
def enrolment_create(request: HttpRequest, pk: int) -> HttpResponse:
    participant = _participant(request, pk, "register.enrolment.change")
    form = EnrolmentForm(
        request.POST or None,
        instance=Enrolment(participant=participant),
        initial={"start": timezone.localdate()},
    )
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, services.enrol, form.save(commit=False), actor=request.user)
        if saved:
            messages.success(
                request,
                _("Deltagaren är inskriven i %(name)s.") % {"name": saved.intervention.name},
            )
            return redirect("register:participant-detail", pk=participant.pk)
    log_access(request.user, "view", participant, detail="enrolment form")
    return render(
        request, "register/enrolment_form.html", {"form": form, "participant": participant}
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
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form,
            services.end_enrolment,
            enrolment,
            actor=request.user,
            end=form.cleaned_data["end"],
            exit_status=form.cleaned_data["exit_status"],
        )
        if saved:
            messages.success(request, _("Deltagandet är avslutat."))
            return redirect("register:participant-detail", pk=enrolment.participant_id)
    log_access(request.user, "view", enrolment.participant, detail="end enrolment form")
    return render(
        request,
        "register/enrolment_end.html",
        {"form": form, "enrolment": enrolment, "participant": enrolment.participant},
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
    if request.method == "POST" and form.is_valid():
        saved = run_service(
            form, services.record_observation, form.save(commit=False), actor=request.user
        )
        if saved:
            messages.success(request, _("Uppföljningen har registrerats."))
            if request.POST.get("next_page") == "due":
                return redirect("register:follow-ups")
            return redirect("register:participant-detail", pk=enrolment.participant_id)
    log_access(request.user, "view", enrolment.participant, detail="follow-up form")
    return render(
        request,
        "register/observation_form.html",
        {
            "form": form,
            "enrolment": enrolment,
            "participant": enrolment.participant,
            "next_page": request.GET.get("fran", request.POST.get("next_page", "")),
        },
    )


@login_required
def follow_ups(request: HttpRequest) -> HttpResponse:
    """ "Uppföljningar att göra": exits 90, 180 or 365 days ago without an observation."""
    policy.require(request.user, "register.observation.change")
    queryset, expand = selectors.due_follow_ups(request.user)
    page = Paginator(queryset, PAGE_SIZE).get_page(request.GET.get("sida"))
    points = expand(list(page.object_list))
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
    """Attempts to register the unit's participants elsewhere: transfer or decline each."""
    policy.require(request.user, "register.conflict.resolve")
    if request.method == "POST":
        conflict = policy.get_or_404(
            request.user,
            "register.conflict.resolve",
            RegistrationConflict.objects.select_related("participant"),
            pk=request.POST.get("conflict") or 0,
        )
        transfer = request.POST.get("action") == "transfer"
        try:
            services.resolve_conflict(conflict, actor=request.user, transfer=transfer)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Deltagaren har förts över.") if transfer else _("Registreringen har avslagits."),
            )
        return redirect("register:conflicts")
    page = Paginator(selectors.open_conflicts(request.user), PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    if page.object_list:
        log_access(
            request.user,
            "view",
            list({c.participant.pk: c.participant for c in page.object_list}.values()),
            detail="registration conflicts",
        )
    return render(request, "register/conflicts.html", {"page": page})


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
                user=request.user,
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
                user=request.user,
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
