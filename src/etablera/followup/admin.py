"""Follow-up in the admin: read-mostly. Reports change only through the workflow services, so
the admin never edits a report or an entry (an approved report must stay as approved)."""

from django.contrib import admin

from .models import Period, Report, ReportEntry, ReportEvent


@admin.register(Period)
class PeriodAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "start", "end", "deadline", "status"]
    list_filter = ["kind", "status"]
    readonly_fields = ["status", "opened_at", "opened_by"]


class ReadOnlyAdmin(admin.ModelAdmin):
    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Report)
class ReportAdmin(ReadOnlyAdmin):
    list_display = ["body", "period", "status", "submitted_at", "approved_at", "decision"]
    list_filter = ["status", "period"]


@admin.register(ReportEntry)
class ReportEntryAdmin(ReadOnlyAdmin):
    list_display = ["report", "mandate", "goal", "assessment"]
    list_filter = ["assessment", "report__period"]


@admin.register(ReportEvent)
class ReportEventAdmin(ReadOnlyAdmin):
    list_display = ["report", "action", "actor", "at"]
