from django.urls import path

from . import views

app_name = "goals"
urlpatterns = [
    path("", views.goal_list, name="goal-list"),
    path("nytt/", views.goal_edit, name="goal-create"),
    path("<int:pk>/", views.goal_detail, name="goal-detail"),
    path("<int:pk>/andra/", views.goal_edit, name="goal-edit"),
    path("indikatorer/", views.indicator_list, name="indicator-list"),
    path("indikatorer/ny/", views.indicator_edit, name="indicator-create"),
    path("indikatorer/<int:pk>/", views.indicator_detail, name="indicator-detail"),
    path("indikatorer/<int:pk>/andra/", views.indicator_edit, name="indicator-edit"),
    path("indikatorer/<int:indicator_pk>/malvarden/nytt/", views.target_edit, name="target-create"),
    path(
        "indikatorer/<int:indicator_pk>/malvarden/<int:pk>/andra/",
        views.target_edit,
        name="target-edit",
    ),
    path("indikatorer/<int:indicator_pk>/varden/nytt/", views.value_edit, name="value-create"),
    path(
        "indikatorer/<int:indicator_pk>/varden/<int:pk>/andra/",
        views.value_edit,
        name="value-edit",
    ),
]
