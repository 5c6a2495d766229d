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
