from django.urls import path

from . import views

app_name = "organisation"
urlpatterns = [
    path("", views.body_list, name="body-list"),
    path("kommun/", views.municipality_edit, name="municipality-edit"),
    path("organ/nytt/", views.body_edit, name="body-create"),
    path("organ/<int:pk>/", views.body_detail, name="body-detail"),
    path("organ/<int:pk>/andra/", views.body_edit, name="body-edit"),
    path("organ/<int:body_pk>/enheter/ny/", views.unit_edit, name="unit-create"),
    path("organ/<int:body_pk>/enheter/<int:pk>/andra/", views.unit_edit, name="unit-edit"),
]
