"""Pages for steering documents: thin, each guarded by one policy action."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_GET

from etablera.accounts import policy
from etablera.organisation.models import Body
from etablera.web.forms import submit_form

from . import selectors, services
from .forms import (
    AcknowledgementForm,
    AdoptForm,
    DistributeForm,
    DistributionForm,
    DocumentFilterForm,
    DocumentForm,
    VersionForm,
)
from .models import Acknowledgement, Distribution, DocumentVersion, SteeringDocument
from .rendering import render_markdown

PAGE_SIZE = 50


def _posted(request: HttpRequest):
    """The POST data of a form submission, even an empty one (so it is validated, not ignored)."""
    return request.POST if request.method == "POST" else None


def _versions():
    return DocumentVersion.objects.select_related("document__owner", "decision__body")


@login_required
def document_list(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "documents.view")
    form = DocumentFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    today = timezone.localdate()
    qs = selectors.documents(
        request.user,
        kind=filters.get("kind", ""),
        owner=filters.get("owner"),
        text=filters.get("text", ""),
        past_review=filters.get("past_review", False),
        today=today,
    )
    page = Paginator(qs, PAGE_SIZE).get_page(request.GET.get("sida"))
    return render(
        request,
        "documents/document_list.html",
        {
            "form": form,
            "page": page,
            "documents": page.object_list,
            "today": today,
            "can_change": policy.can(request.user, "documents.change"),
            "can_acknowledge": policy.can(request.user, "documents.acknowledge"),
        },
    )


@login_required
def document_detail(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_or_404(
        request.user, "documents.view", SteeringDocument.objects.select_related("owner"), pk=pk
    )
    versions = list(selectors.versions_of(document))
    current = next((v for v in versions if v.is_adopted), None)
    return render(
        request,
        "documents/document_detail.html",
        {
            "document": document,
            "versions": versions,
            "current": current,
            "coverage": selectors.version_coverage(current) if current else None,
            "today": timezone.localdate(),
            "can_change": policy.can(request.user, "documents.change", document),
            "can_distribute": policy.can(request.user, "documents.distribute"),
        },
    )


@login_required
def document_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    document = policy.get_for_change(
        request.user, "documents.view", "documents.change", SteeringDocument.objects, pk
    )
    form = DocumentForm(_posted(request), instance=document)
    return submit_form(
        request,
        form,
        lambda: services.save_document(form.save(commit=False), actor=request.user),
        done=lambda saved: _("Styrdokumentet %(title)s har sparats.") % {"title": saved},
        then=lambda saved: reverse("documents:document-detail", args=[saved.pk]),
        template="documents/document_form.html",
        context={"document": document},
    )


@login_required
def version_create(request: HttpRequest, pk: int) -> HttpResponse:
    document = policy.get_or_404(request.user, "documents.view", SteeringDocument.objects, pk=pk)
    policy.require(request.user, "documents.change", document)
    return _version_form(request, document, DocumentVersion(document=document))


@login_required
def version_edit(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy.get_or_404(request.user, "documents.view", _versions(), pk=pk)
    policy.require(request.user, "documents.change", version)
    if not version.is_draft:
        messages.warning(
            request, _("En antagen version kan inte ändras. Skapa en ny version i stället.")
        )
        return redirect("documents:version-detail", pk=version.pk)
    return _version_form(request, version.document, version)


def _version_form(
    request: HttpRequest, document: SteeringDocument, version: DocumentVersion
) -> HttpResponse:
    form = VersionForm(
        _posted(request), request.FILES if request.method == "POST" else None, instance=version
    )
    return submit_form(
        request,
        form,
        lambda: services.save_version(form.save(commit=False), actor=request.user),
        done=lambda saved: (
            _("Version %(number)s av %(title)s har sparats som utkast.")
            % {"number": saved.number, "title": document.title}
        ),
        then=_version_page,
        template="documents/version_form.html",
        context={"document": document, "version": version},
    )


def _version_page(version: DocumentVersion) -> str:
    return reverse("documents:version-detail", args=[version.pk])


@login_required
def version_detail(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy.get_or_404(request.user, "documents.view", _versions(), pk=pk)
    document = version.document
    coverage = selectors.version_coverage(version)
    return render(
        request,
        "documents/version_detail.html",
        {
            "version": version,
            "document": document,
            "html": render_markdown(version.text) if version.text else "",
            "coverage": coverage,
            "mine": selectors.acknowledgeable(request.user, version),
            "can_change": policy.can(request.user, "documents.change", version),
            "can_distribute": version.is_adopted
            and policy.can(request.user, "documents.distribute"),
        },
    )


@require_GET
@login_required
def version_file(request: HttpRequest, pk: int) -> FileResponse:
    """The version's PDF, through the policy (uploaded files have no public address)."""
    version = policy.get_or_404(request.user, "documents.view", DocumentVersion.objects, pk=pk)
    if not version.file:
        raise Http404
    try:
        handle = version.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    filename = version.file_name or f"{version.document.title}-version-{version.number}.pdf"
    return FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )


@login_required
def version_adopt(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy.get_or_404(request.user, "documents.view", _versions(), pk=pk)
    policy.require(request.user, "documents.change", version)
    form = AdoptForm(_posted(request))
    return submit_form(
        request,
        form,
        lambda: services.adopt_version(
            version,
            form.cleaned_data["decision"],
            actor=request.user,
            review_by=form.cleaned_data["review_by"],
        ),
        done=lambda saved: (
            _("Version %(number)s är antagen och gäller från %(date)s.")
            % {"number": saved.number, "date": f"{saved.adopted_on:%Y-%m-%d}"}
        ),
        then=_version_page,
        template="documents/version_adopt.html",
        context={
            "version": version,
            "document": version.document,
            "current": selectors.current_version(version.document),
        },
    )


@login_required
def version_distribute(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy.get_or_404(request.user, "documents.view", _versions(), pk=pk)
    policy.require(request.user, "documents.distribute", version)
    form = DistributeForm(_posted(request), version=version)
    return submit_form(
        request,
        form,
        lambda: services.distribute(
            version,
            bodies=form.cleaned_data["bodies"],
            units=form.cleaned_data["units"],
            deadline=form.cleaned_data["deadline"],
            actor=request.user,
        ),
        done=lambda saved: (
            ngettext(
                "Versionen har skickats till %(count)s mottagare för kvittens.",
                "Versionen har skickats till %(count)s mottagare för kvittens.",
                len(saved),
            )
            % {"count": len(saved)}
        ),
        then=reverse("documents:version-coverage", args=[version.pk]),
        template="documents/version_distribute.html",
        context={"version": version, "document": version.document},
    )


@login_required
def version_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    version = policy.get_or_404(request.user, "documents.view", _versions(), pk=pk)
    return render(
        request,
        "documents/version_coverage.html",
        {
            "version": version,
            "document": version.document,
            "coverage": selectors.version_coverage(version),
            "can_distribute": version.is_adopted
            and policy.can(request.user, "documents.distribute"),
        },
    )


@login_required
def distribution_edit(request: HttpRequest, pk: int) -> HttpResponse:
    distribution = policy.get_or_404(
        request.user,
        "documents.view",
        Distribution.objects.select_related("version__document", "body", "unit__body"),
        pk=pk,
    )
    policy.require(request.user, "documents.distribute", distribution)
    form = DistributionForm(_posted(request), instance=distribution)
    return submit_form(
        request,
        form,
        lambda: services.change_deadline(
            distribution, form.cleaned_data["deadline"], actor=request.user
        ),
        done=_("Sista dag för kvittens har ändrats."),
        then=reverse("documents:version-coverage", args=[distribution.version_id]),
        template="documents/distribution_form.html",
        context={"distribution": distribution, "version": distribution.version},
    )


@login_required
def acknowledge(request: HttpRequest, pk: int) -> HttpResponse:
    """A reporter acknowledges a distribution to its own body or unit (others: 404)."""
    distribution = policy.get_or_404(
        request.user,
        "documents.acknowledge",
        Distribution.objects.select_related(
            "version__document__owner", "version__decision__body", "body", "unit__body"
        ),
        pk=pk,
    )
    version = distribution.version
    existing = Acknowledgement.objects.filter(distribution=distribution).first()
    form = AcknowledgementForm(_posted(request), instance=existing)

    def save() -> Acknowledgement:
        text = form.cleaned_data["text"]
        if existing:
            return services.change_acknowledgement(existing, actor=request.user, text=text)
        return services.acknowledge_distribution(distribution, actor=request.user, text=text)

    return submit_form(
        request,
        form,
        save,
        done=_("%(recipient)s har kvitterat %(document)s, version %(number)s.")
        % {
            "recipient": distribution.recipient_label,
            "document": version.document.title,
            "number": version.number,
        },
        then="documents:pending",
        template="documents/acknowledge_form.html",
        context={
            "distribution": distribution,
            "version": version,
            "document": version.document,
            "existing": existing,
            "html": render_markdown(version.text) if version.text else "",
            "today": timezone.localdate(),
        },
    )


@login_required
def pending(request: HttpRequest) -> HttpResponse:
    """Att kvittera: what the reporter's body or units have yet to acknowledge."""
    policy.require(request.user, "documents.acknowledge")
    return render(
        request,
        "documents/pending.html",
        {
            "pending": list(selectors.pending_for(request.user)),
            "done": selectors.acknowledged_by_scope(request.user),
            "today": timezone.localdate(),
        },
    )


@login_required
def coverage_overview(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "documents.view")
    return render(
        request,
        "documents/coverage_overview.html",
        {"bodies": list(selectors.coverage_by_body(request.user))},
    )


@login_required
def body_coverage(request: HttpRequest, pk: int) -> HttpResponse:
    policy.require(request.user, "documents.view")
    body = policy.get_or_404(request.user, "organisation.view", Body.objects, pk=pk)
    return render(
        request,
        "documents/body_coverage.html",
        {"body": body, "coverage": selectors.body_coverage(body)},
    )
