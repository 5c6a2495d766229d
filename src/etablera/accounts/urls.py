from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy

from . import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "byt-losenord/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "losenord-bytt/",
        auth_views.PasswordChangeDoneView.as_view(
            template_name="accounts/password_change_done.html"
        ),
        name="password_change_done",
    ),
    # Django's admin has templates of these names in registration/: ours are named apart.
    # A forgotten password: a link by e-mail, never a word on whether the address has an account.
    path(
        "glomt-losenord/",
        auth_views.PasswordResetView.as_view(
            success_url=reverse_lazy("accounts:password_reset_done"),
            template_name="accounts/password_reset_form.html",
            email_template_name="accounts/password_reset_email.txt",
            subject_template_name="accounts/password_reset_subject.txt",
        ),
        name="password_reset",
    ),
    path(
        "glomt-losenord/skickat/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "aterstall/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "aterstall/klart/",
        auth_views.PasswordResetCompleteView.as_view(
            template_name="accounts/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
    path("", views.profile, name="profile"),
    path("atkomstlogg/", views.access_log, name="access-log"),
    path("api-nycklar/", views.api_tokens, name="api-tokens"),
    path("api-nycklar/<int:pk>/aterkalla/", views.api_token_revoke, name="api-token-revoke"),
    path("tvafaktor/", views.two_factor, name="two-factor"),
    path("tvafaktor/aktivera/", views.two_factor_setup, name="two-factor-setup"),
    path("tvafaktor/reservkoder/", views.recovery_codes, name="recovery-codes"),
    path("tvafaktor/stang-av/", views.two_factor_disable, name="two-factor-disable"),
]
urlpatterns += [
    path("anvandare/", views.user_list, name="user-list"),
    path("anvandare/ny/", views.user_create, name="user-create"),
    path("anvandare/<int:pk>/", views.user_detail, name="user-detail"),
    path("anvandare/<int:pk>/roller/", views.user_role_grant, name="user-role-grant"),
    path(
        "anvandare/<int:pk>/roller/<int:assignment_pk>/ta-bort/",
        views.user_role_revoke,
        name="user-role-revoke",
    ),
    path("anvandare/<int:pk>/aktiv/", views.user_set_active, name="user-set-active"),
    path(
        "anvandare/<int:pk>/tvafaktor/aterstall/",
        views.user_reset_two_factor,
        name="user-reset-two-factor",
    ),
]
