"""Sign-in, the user's own page, and the searchable access log (log review)."""

from __future__ import annotations

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme, urlencode
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import devices_for_user, user_has_device
from django_otp import login as otp_login
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from etablera.web.forms import run_service, submit_form
from etablera.web.tables import Table, csv_text

from . import policy, selectors, services, sso, tokens, twofactor
from .access_log import ALTERED, ANCHOR, INSERTED, REMOVED
from .forms import (
    AccessLogFilterForm,
    ApiTokenForm,
    ConfirmDeviceForm,
    ConfirmForm,
    LoginForm,
    RoleGrantForm,
    TokenForm,
    UserCreateForm,
    UserFilterForm,
)
from .models import ApiToken


class LoginView(auth_views.LoginView):
    """The password step; the two-factor step follows where the user has or needs a device."""

    form_class = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        return {**super().get_context_data(**kwargs), "sso": sso.enabled()}

    def get_success_url(self) -> str:
        user = self.request.user
        if user_has_device(user) or twofactor.required_for(user):
            target = self.get_redirect_url() or resolve_url(settings.LOGIN_REDIRECT_URL)
            return f"{reverse('accounts:two-factor')}?{urlencode({'next': target})}"
        return super().get_success_url()


@login_required
def profile(request: HttpRequest) -> HttpResponse:
    assignments = request.user.role_assignments.select_related("body", "unit")
    return render(
        request,
        "accounts/profile.html",
        {
            "assignments": assignments,
            "two_factor_on": user_has_device(request.user),
            "two_factor_required": twofactor.required_for(request.user),
            "recovery_left": twofactor.remaining_recovery_codes(request.user),
        },
    )


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


# --- two-factor sign-in ---------------------------------------------------------------------


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return resolve_url(settings.LOGIN_REDIRECT_URL)


@login_required
def two_factor(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: a code from the app or a recovery code."""
    if twofactor.is_verified(request):
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return redirect(f"{reverse('accounts:two-factor-setup')}?{request.GET.urlencode()}")
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        throttled = any(
            not d.verify_is_allowed()[0] for d in devices_for_user(request.user, confirmed=True)
        )
        device = twofactor.verify(request.user, form.cleaned_data["token"])
        if device is not None:
            otp_login(request, device)
            if isinstance(device, StaticDevice):
                left = twofactor.remaining_recovery_codes(request.user)
                messages.warning(
                    request,
                    ngettext(
                        "Du loggade in med en reservkod. %(n)d reservkod återstår.",
                        "Du loggade in med en reservkod. %(n)d reservkoder återstår.",
                        left,
                    )
                    % {"n": left},
                )
            return redirect(_next_url(request))
        form.add_error(
            "token",
            _("För många felaktiga försök. Vänta en stund och försök igen.")
            if throttled
            else _("Koden stämmer inte. Försök igen, eller använd en reservkod."),
        )
    return render(
        request,
        "accounts/two_factor.html",
        {
            "form": form,
            "next": request.GET.get("next", ""),
            "demo_code": twofactor.demo_hint(request.user),
        },
    )


@login_required
def two_factor_setup(request: HttpRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the key), confirm with a code."""
    if user_has_device(request.user) and not twofactor.is_verified(request):
        return redirect(f"{reverse('accounts:two-factor')}?{request.GET.urlencode()}")
    device = TOTPDevice.objects.filter(
        user=request.user, confirmed=False, pk=request.session.get("etablera_new_device")
    ).first()
    if device is None or request.method == "GET":
        device = twofactor.new_totp_device(request.user)
        request.session["etablera_new_device"] = device.pk
    form = ConfirmDeviceForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = twofactor.confirm(device, form.cleaned_data["token"])
        if codes is not None:
            request.session.pop("etablera_new_device", None)
            otp_login(request, device)
            return render(
                request,
                "accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request), "new_device": True},
            )
        form.add_error(
            "token", _("Koden stämmer inte. Kontrollera att klockan i telefonen går rätt.")
        )
    qr = segno.make(device.config_url, error="m").svg_inline(
        scale=4, light="#fff", title=_("QR-kod för autentiseringsappen")
    )
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "qr": mark_safe(qr),  # noqa: S308  (segno's SVG of our own URL, no user input)
            "secret": twofactor.secret(device),
            "required": twofactor.required_for(request.user),
            "next": request.GET.get("next", "") or request.POST.get("next", ""),
        },
    )


@login_required
@require_POST
def recovery_codes(request: HttpRequest) -> HttpResponse:
    """New recovery codes (the old ones stop working), for a user signed in with two factors."""
    if not user_has_device(request.user) or not twofactor.is_verified(request):
        return redirect("accounts:two-factor")
    codes = twofactor.new_recovery_codes(request.user)
    return render(
        request,
        "accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("accounts:profile"), "new_device": False},
    )


@login_required
@require_POST
def two_factor_disable(request: HttpRequest) -> HttpResponse:
    """Turn two-factor sign-in off — only for those not required to use it."""
    if twofactor.required_for(request.user):
        messages.error(request, _("Din roll kräver tvåfaktorsinloggning; den kan inte stängas av."))
    elif twofactor.is_verified(request):
        for device in devices_for_user(request.user, confirmed=None):
            device.delete()
        messages.success(request, _("Tvåfaktorsinloggningen är avstängd."))
    return redirect("accounts:profile")


# --- API tokens -------------------------------------------------------------------------------


@login_required
def api_tokens(request: HttpRequest) -> HttpResponse:
    """The user's own API tokens: make one (its key is shown once, here), see and revoke them.

    Only here, for oneself: nobody — not a system administrator — can make a token for
    someone else.
    """
    form = ApiTokenForm(request.POST or None)
    key = None
    if request.method == "POST" and form.is_valid():
        _token, key = tokens.create_token(
            request.user, form.cleaned_data["name"], two_factor=twofactor.is_verified(request)
        )
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


# --- user administration ---------------------------------------------------------------------

USERS_PAGE_SIZE = 50


@login_required
def user_list(request: HttpRequest) -> HttpResponse:
    """Every account with its roles and second factor: the administrator's overview."""
    policy.require(request.user, "accounts.user.view")
    form = UserFilterForm(request.GET or None)
    page = Paginator(selectors.users(request.user, **form.filters()), USERS_PAGE_SIZE).get_page(
        request.GET.get("sida")
    )
    return render(
        request,
        "accounts/user_list.html",
        {
            "form": form,
            "page": page,
            "can_change": policy.can(request.user, "accounts.user.change"),
        },
    )


@login_required
def user_create(request: HttpRequest) -> HttpResponse:
    policy.require(request.user, "accounts.user.change")
    form = UserCreateForm(request.POST or None)
    return submit_form(
        request,
        form,
        lambda: run_service(
            form,
            services.create_user,
            form.save(commit=False),
            password=form.cleaned_data["password"],
            actor=request.user,
        ),
        done=lambda saved: (
            _("Användaren %(user)s har skapats. Ge hen roller nedan.") % {"user": saved.username}
        ),
        then=lambda saved: reverse("accounts:user-detail", args=[saved.pk]),
        template="accounts/user_form.html",
    )


def _trail_actions() -> dict[str, str]:
    return {
        "user.create": _("Skapade kontot"),
        "user.deactivate": _("Inaktiverade kontot"),
        "user.activate": _("Aktiverade kontot"),
        "role.grant": _("Gav en roll"),
        "role.revoke": _("Tog bort en roll"),
        "reset-2fa": _("Återställde tvåfaktorsinloggningen"),
    }


def _user_page(request: HttpRequest, account, **forms) -> dict:
    """What the user's page shows; ``forms`` carry a form with errors from a POST."""
    actions = _trail_actions()
    trail = selectors.user_trail(account)
    for entry in trail:
        entry.label = actions.get(entry.action, entry.action)
    return {
        "account": account,
        "assignments": selectors.user_roles(account),
        "trail": trail,
        "grant_form": forms.get("grant_form") or RoleGrantForm(user=account),
        "action_form": forms.get("action_form"),
        "can_change": policy.can(request.user, "accounts.user.change", account),
        "is_self": account.pk == request.user.pk,
    }


@login_required
def user_detail(request: HttpRequest, pk: int) -> HttpResponse:
    account = selectors.managed_user(request.user, pk)
    return render(request, "accounts/user_detail.html", _user_page(request, account))


def _unless_refused(form, _result, done):
    """What a service returning None did, for ``submit_form``: ``done``, or None when the
    service refused (its message is then on the form)."""
    return None if form.errors else done


def _managed_for_change(request: HttpRequest, pk: int):
    account = selectors.managed_user(request.user, pk)
    policy.require(request.user, "accounts.user.change", account)
    return account


@login_required
@require_POST
def user_role_grant(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_for_change(request, pk)
    form = RoleGrantForm(request.POST, user=account)
    return submit_form(
        request,
        form,
        lambda: run_service(form, services.grant_role, form.save(commit=False), actor=request.user),
        done=lambda saved: (
            _("%(user)s har fått rollen %(role)s.") % {"user": account.username, "role": saved}
        ),
        then=reverse("accounts:user-detail", args=[account.pk]),
        template="accounts/user_detail.html",
        context=_user_page(request, account, grant_form=form),
    )


@login_required
@require_POST
def user_role_revoke(request: HttpRequest, pk: int, assignment_pk: int) -> HttpResponse:
    account = _managed_for_change(request, pk)
    assignment = get_object_or_404(
        account.role_assignments.select_related("body", "unit"), pk=assignment_pk
    )
    label = str(assignment)
    form = ConfirmForm(request.POST)
    return submit_form(
        request,
        form,
        lambda: _unless_refused(
            form, run_service(form, services.revoke_role, assignment, actor=request.user), label
        ),
        done=_("Rollen %(role)s har tagits bort från %(user)s.")
        % {"role": label, "user": account.username},
        then=reverse("accounts:user-detail", args=[account.pk]),
        template="accounts/user_detail.html",
        context=_user_page(request, account, action_form=form),
    )


@login_required
@require_POST
def user_set_active(request: HttpRequest, pk: int) -> HttpResponse:
    """Deactivate (``aktiv=0``) or activate again (``aktiv=1``)."""
    account = _managed_for_change(request, pk)
    active = request.POST.get("aktiv") == "1"
    form = ConfirmForm(request.POST)
    return submit_form(
        request,
        form,
        lambda: run_service(form, services.set_active, account, active, actor=request.user),
        done=(_("%(user)s är aktiverad igen.") if active else _("%(user)s är inaktiverad."))
        % {"user": account.username},
        then=reverse("accounts:user-detail", args=[account.pk]),
        template="accounts/user_detail.html",
        context=_user_page(request, account, action_form=form),
    )


@login_required
@require_POST
def user_reset_two_factor(request: HttpRequest, pk: int) -> HttpResponse:
    account = _managed_for_change(request, pk)
    form = ConfirmForm(request.POST)
    return submit_form(
        request,
        form,
        lambda: _unless_refused(
            form, run_service(form, services.reset_two_factor, account, actor=request.user), account
        ),
        done=_(
            "Tvåfaktorsinloggningen för %(user)s är återställd. Hen lägger till en ny "
            "autentiseringsapp vid nästa inloggning."
        )
        % {"user": account.username},
        then=reverse("accounts:user-detail", args=[account.pk]),
        template="accounts/user_detail.html",
        context=_user_page(request, account, action_form=form),
    )
