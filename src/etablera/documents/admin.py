"""Admin views for inspection. Changes go through the services, like everywhere else."""

from django.contrib import admin

from etablera.web.admin import ServiceAdmin

from . import services
from .models import Acknowledgement, Distribution, DocumentVersion, ReminderSent, SteeringDocument


@admin.register(SteeringDocument)
class SteeringDocumentAdmin(ServiceAdmin):
    service = staticmethod(services.save_document)
    list_display = ["title", "kind", "owner", "review_by"]
    list_filter = ["kind", "owner"]
    search_fields = ["title", "description"]


@admin.register(DocumentVersion)
class DocumentVersionAdmin(admin.ModelAdmin):
    """Read-only: versions are adopted and superseded by the services only."""

    list_display = ["document", "number", "status", "decision", "adopted_on", "superseded_on"]
    list_filter = ["status"]
    search_fields = ["document__title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Distribution)
class DistributionAdmin(admin.ModelAdmin):
    list_display = ["version", "body", "unit", "sent_on", "deadline"]
    list_select_related = ["version__document", "body", "unit"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Acknowledgement)
class AcknowledgementAdmin(admin.ModelAdmin):
    list_display = ["distribution", "acknowledged_by", "acknowledged_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ReminderSent)
class ReminderSentAdmin(admin.ModelAdmin):
    list_display = ["sent_on", "kind", "recipient", "distribution", "document"]
    list_filter = ["kind", "sent_on"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False
