"""The organisation in the admin; every save goes through the services (units keep their
materialised paths right)."""

from django.contrib import admin

from . import services
from .models import Body, Municipality, Unit


@admin.register(Municipality)
class MunicipalityAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "is_demo"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_municipality(obj)


@admin.register(Body)
class BodyAdmin(admin.ModelAdmin):
    list_display = ["name", "short_name", "kind", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_body(obj)


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["name", "kind", "body", "parent"]
    list_filter = ["kind", "body"]
    search_fields = ["name"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_unit(obj)
