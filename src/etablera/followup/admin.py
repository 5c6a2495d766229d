"""Follow-up in the admin: read-only. Periods and reports change only through the workflow
services in the pages, so the admin never edits a period, a report or an entry (an approved
report must stay as approved)."""

from django.contrib import admin

from etablera.web.admin import ReadOnlyAdmin

from .models import Period, Report, ReportEntry, ReportEvent


@admin.register(Period)
class PeriodAdmin(ReadOnlyAdmin):
    list_display = ["code", "name", "kind", "start", "end", "deadline", "status"]
    list_filter = ["kind", "status"]


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
