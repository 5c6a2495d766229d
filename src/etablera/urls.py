"""Root URLs: every app's pages under its own prefix, the API under /api/."""

from django.contrib import admin
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView

from etablera.web import views as web_views
from etablera.web.api import router
from etablera.web.plugins import contributions

# Each app's api.py registers its viewsets on the shared router when imported (at start-up).
contributions("api")

admin.site.site_header = "Etablera – administration"
admin.site.site_title = "Etablera"

urlpatterns = [
    path("", include("etablera.web.urls")),
    path("konto/", include("etablera.accounts.urls")),
    path("oidc/", include("mozilla_django_oidc.urls")),
    path("organisation/", include("etablera.organisation.urls")),
    path("uppdrag/", include("etablera.mandates.urls")),
    path("styrdokument/", include("etablera.documents.urls")),
    path("mal/", include("etablera.goals.urls")),
    path("uppfoljning/", include("etablera.followup.urls")),
    path("register/", include("etablera.register.urls")),
    path("statistik/", include("etablera.statistics.urls")),
    path("granskningar/", include("etablera.audits.urls")),
    path("styrningskontroll/", include("etablera.governance.urls")),
    path("jobb/", include("etablera.jobs.urls")),
    path("kolada/", include("etablera.kolada.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path(
        "api/docs/",
        # The split view serves Swagger UI's start script from a URL: no inline script (CSP).
        SpectacularSwaggerSplitView.as_view(
            url_name="api-schema", template_name="web/swagger_ui.html"
        ),
        name="api-docs",
    ),
    path("api/", include(router.urls)),
]

handler400 = web_views.bad_request
handler403 = web_views.permission_denied
handler404 = web_views.page_not_found
handler500 = web_views.server_error
