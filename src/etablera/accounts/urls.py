from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

app_name = "accounts"
urlpatterns = [
    path("logga-in/", views.LoginView.as_view(), name="login"),
    path("logga-ut/", auth_views.LogoutView.as_view(), name="logout"),
    path(
        "byt-losenord/",
        auth_views.PasswordChangeView.as_view(success_url="/konto/losenord-bytt/"),
        name="password_change",
    ),
    path(
        "losenord-bytt/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
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
