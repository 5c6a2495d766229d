"""Admin for the register's managed lists and interventions.

Participants are not in the admin: they are personal data, seen by coaches of their own units
through the pages that write the access log, and never by system administrators by default.
"""

from django.contrib import admin

from etablera.web.admin import ReadOnlyAdmin, ServiceAdmin

from . import services
from .models import ImportRun, Intervention, StatusCategory


@admin.register(StatusCategory)
class StatusCategoryAdmin(ServiceAdmin):
    service = staticmethod(services.save_status_category)
    list_display = [
        "name",
        "code",
        "is_work",
        "is_subsidised_work",
        "is_studies",
        "order",
        "active",
    ]
    list_editable = ["order", "active"]
    search_fields = ["name", "code"]


@admin.register(Intervention)
class InterventionAdmin(ServiceAdmin):
    service = staticmethod(services.save_intervention)
    list_display = [
        "name",
        "code",
        "category",
        "provider_unit",
        "commissioning_mandate",
        "start",
        "end",
    ]
    list_filter = ["category", "funding"]
    search_fields = ["name", "code"]
    autocomplete_fields: list[str] = []
    list_select_related = ["provider_unit", "commissioning_mandate"]


@admin.register(ImportRun)
class ImportRunAdmin(ReadOnlyAdmin):
    """Import runs are written by the import alone."""

    list_display = [
        "started_at",
        "kind",
        "file_name",
        "status",
        "rows",
        "error_count",
        "started_by",
    ]
    list_filter = ["kind", "status"]
