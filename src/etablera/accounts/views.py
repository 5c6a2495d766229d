"""Sign-in, the user's own page, and the searchable access log."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import policy, selectors, tokens
from .forms import AccessLogFilterForm, ApiTokenForm, LoginForm
from .models import ApiToken


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


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key is shown once, here), see and revoke them.

    Only here, for oneself: nobody — not a system administrator — can make a token for
    someone else.
    """
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        _token, key = tokens.create_token(request.user, form.cleaned_data["name"])
        form = ApiTokenForm()
    return render(
        request,
        "accounts/api_tokens.html",
        {
            "form": form,
            "key": key,
            "tokens": ApiToken.objects.filter(user=request.user),
            "days": settings.ETABLERA_API_TOKEN_DAYS,
        },
    )


@login_required
@require_POST
def api_token_revoke(request: HttpRequest, pk: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=pk, user=request.user)
    tokens.revoke_token(request.user, token)
    messages.success(request, _("API-nyckeln %(name)s är återkallad.") % {"name": token.name})
    return redirect("accounts:api-tokens")
