from django.contrib.auth import get_user_model, login
from django.http import HttpResponseRedirect
from django.urls import include, path


def login_as(request, username):
    """The provider's sign-in, reduced to what the tests need: become ``username``."""
    user, _ = get_user_model().objects.get_or_create(
        username=username, defaults={"email": f"{username}@kommun.example", "first_name": "Test"}
    )
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect(request.GET.get("next", "/"))


urlpatterns = [
    path("login-as/<str:username>/", login_as),
    path("o/", include("oauth2_provider.urls", namespace="oauth2_provider")),
]
