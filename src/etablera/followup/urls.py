from django.urls import path

from . import views

app_name = "followup"
urlpatterns = [
    path("", views.period_list, name="period-list"),
    path("perioder/ny/", views.period_edit, name="period-create"),
    path("perioder/<str:code>/", views.period_detail, name="period-detail"),
    path("perioder/<str:code>/andra/", views.period_edit, name="period-edit"),
    path("perioder/<str:code>/oppna/", views.period_open, name="period-open"),
    path("perioder/<str:code>/stang/", views.period_close, name="period-close"),
    path("perioder/<str:code>/sammanstallning/", views.consolidated_report, name="consolidated"),
    path("perioder/<str:code>/bedomningar/", views.period_assessments, name="period-assessments"),
    path(
        "perioder/<str:code>/sammanstallning.pdf",
        views.consolidated_report,
        {"fmt": "pdf"},
        name="consolidated-pdf",
    ),
    path(
        "perioder/<str:code>/sammanstallning.xlsx",
        views.consolidated_report,
        {"fmt": "xlsx"},
        name="consolidated-xlsx",
    ),
    path("rapporter/", views.report_list, name="report-list"),
    path("rapporter/<int:pk>/", views.report_detail, name="report-detail"),
    path("rapporter/<int:pk>/skriv/", views.report_edit, name="report-edit"),
    path("rapporter/<int:pk>/lamna-in/", views.report_submit, name="report-submit"),
    path("rapporter/<int:pk>/aterremittera/", views.report_return, name="report-return"),
    path("rapporter/<int:pk>/godkann/", views.report_approve, name="report-approve"),
    path(
        "rapporter/<int:pk>/godkann/nytt-beslut/",
        views.report_approval_decision,
        name="report-approve-decision",
    ),
]
