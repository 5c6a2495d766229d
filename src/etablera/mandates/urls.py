from django.urls import path
from django.views.generic import RedirectView

from . import views

app_name = "mandates"
urlpatterns = [
    path("", RedirectView.as_view(pattern_name="mandates:list"), name="index"),
    path("register/", views.mandate_list, name="list"),
    path("register/uppdrag.xlsx", views.mandate_export, name="export"),
    path("register/nytt/", views.mandate_edit, name="create"),
    path("register/<int:pk>/", views.mandate_detail, name="detail"),
    path("register/<int:pk>/andra/", views.mandate_edit, name="edit"),
    path("ansvarsmatris/", views.matrix, name="matrix"),
    path("ansvarsmatris/ansvarsmatris.xlsx", views.matrix_xlsx, name="matrix-xlsx"),
    path("ansvarsmatris/ansvarsmatris.pdf", views.matrix_pdf, name="matrix-pdf"),
    path("beslut/", views.decision_list, name="decision-list"),
    path("beslut/nytt/", views.decision_edit, name="decision-create"),
    path("beslut/<int:pk>/", views.decision_detail, name="decision-detail"),
    path("beslut/<int:pk>/andra/", views.decision_edit, name="decision-edit"),
    path("politikomraden/", views.policy_area_list, name="policyarea-list"),
    path("politikomraden/nytt/", views.policy_area_edit, name="policyarea-create"),
    path("politikomraden/<int:pk>/andra/", views.policy_area_edit, name="policyarea-edit"),
]
