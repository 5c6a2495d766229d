from django.urls import path

from . import views

app_name = "kolada"
urlpatterns = [
    path("", views.overview, name="overview"),
    path("hamta/", views.sync, name="sync"),
    path("hamtningar/<int:pk>/", views.sync_run, name="sync-run"),
    path("nyckeltal/nytt/", views.kpi_add, name="kpi-add"),
    path("nyckeltal/sok/", views.kpi_search, name="kpi-search"),
    path("nyckeltal/<str:pk>/", views.kpi_detail, name="kpi-detail"),
    path("nyckeltal/<str:pk>/granskad/", views.kpi_accept, name="kpi-accept"),
    path("jamforelsegrupp/", views.comparison_group, name="comparison-group"),
    path("jamforelsegrupp/kommungrupper/", views.groups_fetch, name="groups-fetch"),
]
