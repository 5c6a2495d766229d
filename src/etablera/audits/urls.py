from django.urls import path

from . import views

app_name = "audits"
urlpatterns = [
    path("", views.audit_list, name="list"),
    path("ny/", views.audit_edit, name="create"),
    path("<int:pk>/", views.audit_detail, name="detail"),
    path("<int:pk>/andra/", views.audit_edit, name="edit"),
    path("<int:pk>/rapport.pdf", views.audit_report_file, name="report-file"),
    path("<int:audit_pk>/fragor/ny/", views.question_edit, name="question-create"),
    path("<int:audit_pk>/fragor/<int:pk>/andra/", views.question_edit, name="question-edit"),
    path(
        "<int:audit_pk>/rekommendationer/ny/",
        views.recommendation_edit,
        name="recommendation-create",
    ),
    path(
        "<int:audit_pk>/rekommendationer/<int:pk>/andra/",
        views.recommendation_edit,
        name="recommendation-edit",
    ),
    path("<int:audit_pk>/svar/nytt/", views.response_edit, name="response-create"),
    path("<int:audit_pk>/svar/<int:pk>/andra/", views.response_edit, name="response-edit"),
    path("rekommendationer/<int:pk>/", views.recommendation_detail, name="recommendation"),
    path(
        "rekommendationer/<int:recommendation_pk>/atgarder/ny/",
        views.action_edit,
        name="action-create",
    ),
    path("atgarder/<int:pk>/andra/", views.action_edit, name="action-edit"),
    path(
        "rekommendationer/<int:recommendation_pk>/underlag/nytt/",
        views.evidence_add,
        name="recommendation-evidence-add",
    ),
    path(
        "atgarder/<int:action_pk>/underlag/nytt/",
        views.evidence_add,
        name="action-evidence-add",
    ),
    path("underlag/<int:pk>/ta-bort/", views.evidence_remove, name="evidence-remove"),
    path(
        "rekommendationer/<int:recommendation_pk>/revisorernas-uppfoljning/ny/",
        views.follow_up_create,
        name="follow-up-create",
    ),
]
