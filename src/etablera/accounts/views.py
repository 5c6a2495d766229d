"""Sign-in, the user's own page, and the searchable access log (log review)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext as _

from etablera.statistics.presentation import csv_text
from etablera.web.tables import Table

from . import policy, selectors
from .access_log import ALTERED, ANCHOR, INSERTED, REMOVED
from .forms import AccessLogFilterForm, LoginForm


class LoginView(auth_views.LoginView):
    form_class = LoginForm
    redirect_authenticated_user = True


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    assignments = request.user.role_assignments.select_related("body", "unit")
    return render(request, "accounts/profile.html", {"assignments": assignments})


@login_required
def access_log(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.access_log.view")
    form = AccessLogFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    entries = selectors.access_log(request.user, **filters)
    if request.GET.get("format") == "csv" and (form.is_valid() or not request.GET):
        return _csv(entries)
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    export = request.GET.copy()
    export.pop("sida", None)
    export["format"] = "csv"
    return render(
        request,
        "accounts/access_log.html",
        {
            "form": form,
            "page": page,
            "verification": selectors.last_verification(),
            "problem_kinds": {
                ALTERED: _("en loggpost har ändrats"),
                INSERTED: _("en loggpost har lagts till eller bytts ut"),
                REMOVED: _("loggposter har tagits bort"),
                ANCHOR: _("ankarfilen är inte giltig"),
            },
            "export_query": export.urlencode(),
        },
    )


def _csv(entries) -> HttpResponse:
    """The search result as CSV for a Swedish spreadsheet; text that could run as a formula is
    neutralised by the shared writer."""
    table = Table(
        caption=_("Åtkomstlogg för personuppgifter"),
        columns=[
            _("Löpnummer"),
            _("Tidpunkt"),
            _("Användare"),
            _("Åtgärd"),
            _("Objekttyp"),
            _("Objekt-id"),
            _("Detaljer"),
        ],
        rows=[
            [
                e.seq,
                timezone.localtime(e.at).strftime("%Y-%m-%d %H:%M:%S"),
                e.username,
                e.action,
                e.subject_type,
                e.subject_id,
                e.detail,
            ]
            for e in entries.iterator(chunk_size=2000)
        ],
    )
    response = HttpResponse(
        "\ufeff" + csv_text([table], swedish=True), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = 'attachment; filename="atkomstlogg.csv"'
    response["Cache-Control"] = "no-store"
    return response
