"""The organisation in the admin; every save goes through the services (units keep their
materialised paths right)."""

from django.contrib import admin

from etablera.web.admin import ServiceAdmin

from . import services
from .models import Body, Municipality, Unit


@admin.register(Municipality)
class MunicipalityAdmin(ServiceAdmin):
    service = staticmethod(services.save_municipality)
    list_display = ["name", "code", "is_demo"]


@admin.register(Body)
class BodyAdmin(ServiceAdmin):
    service = staticmethod(services.save_body)
    list_display = ["name", "short_name", "kind", "active_from", "active_to"]
    list_filter = ["kind"]
    search_fields = ["name", "short_name"]


@admin.register(Unit)
class UnitAdmin(ServiceAdmin):
    service = staticmethod(services.save_unit)
    list_display = ["name", "kind", "body", "parent"]
    list_filter = ["kind", "body"]
    search_fields = ["name"]
