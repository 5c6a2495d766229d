from django.urls import path

from . import views

app_name = "documents"
urlpatterns = [
    path("", views.document_list, name="document-list"),
    path("nytt/", views.document_edit, name="document-create"),
    path("att-kvittera/", views.pending, name="pending"),
    path("tackning/", views.coverage_overview, name="coverage"),
    path("tackning/organ/<int:pk>/", views.body_coverage, name="body-coverage"),
    path("<int:pk>/", views.document_detail, name="document-detail"),
    path("<int:pk>/andra/", views.document_edit, name="document-edit"),
    path("<int:pk>/versioner/ny/", views.version_create, name="version-create"),
    path("versioner/<int:pk>/", views.version_detail, name="version-detail"),
    path("versioner/<int:pk>/andra/", views.version_edit, name="version-edit"),
    path("versioner/<int:pk>/anta/", views.version_adopt, name="version-adopt"),
    path("versioner/<int:pk>/fil/", views.version_file, name="version-file"),
    path("versioner/<int:pk>/skicka/", views.version_distribute, name="version-distribute"),
    path("versioner/<int:pk>/tackning/", views.version_coverage, name="version-coverage"),
    path("utskick/<int:pk>/andra/", views.distribution_edit, name="distribution-edit"),
    path("utskick/<int:pk>/kvittera/", views.acknowledge, name="acknowledge"),
]
