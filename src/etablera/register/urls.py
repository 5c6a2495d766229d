from django.urls import path

from . import views

app_name = "register"
urlpatterns = [
    path("deltagare/", views.participant_search, name="participant-search"),
    path("deltagare/ny/", views.participant_create, name="participant-create"),
    path("deltagare/<int:pk>/", views.participant_detail, name="participant-detail"),
    path("deltagare/<int:pk>/andra/", views.participant_edit, name="participant-edit"),
    path("deltagare/<int:pk>/visa-nummer/", views.participant_reveal, name="participant-reveal"),
    path("deltagare/<int:pk>/skriv-in/", views.enrolment_create, name="enrolment-create"),
    path("deltaganden/<int:pk>/avsluta/", views.enrolment_end, name="enrolment-end"),
    path("deltaganden/<int:pk>/uppfoljning/", views.observation_create, name="observation-create"),
    path("uppfoljningar/", views.follow_ups, name="follow-ups"),
    path("konflikter/", views.conflicts, name="conflicts"),
    path("insatser/", views.intervention_list, name="intervention-list"),
    path("insatser/ny/", views.intervention_edit, name="intervention-create"),
    path("insatser/<int:pk>/", views.intervention_detail, name="intervention-detail"),
    path("insatser/<int:pk>/andra/", views.intervention_edit, name="intervention-edit"),
    path("import/", views.import_upload, name="import"),
    path("import/mall/<str:kind>.<str:fmt>", views.import_template, name="import-template"),
    path("import/<int:pk>/fel.csv", views.import_errors, name="import-errors"),
]
