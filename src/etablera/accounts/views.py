"""Sign-in, the user's own page, and the searchable access log."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from . import policy, selectors
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
    entries = selectors.access_log(request.user)
    if form.is_valid():
        entries = selectors.access_log(request.user, **form.cleaned_data)
    page = Paginator(entries, 50).get_page(request.GET.get("sida"))
    return render(request, "accounts/access_log.html", {"form": form, "page": page})
