from django.urls import path

from . import views

app_name = "governance"
urlpatterns = [
    path("", views.findings, name="findings"),
    path("organ/<int:body_pk>/", views.findings, name="body-findings"),
]
