from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("tillganglighet/", views.accessibility, name="accessibility"),
    path("om-uppgifterna/", views.about_data, name="about-data"),
]
