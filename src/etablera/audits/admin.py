"""Admin for audits: for system administrators; everyday work happens in the pages."""

from django.contrib import admin

from .models import (
    Action,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
)


class QuestionInline(admin.TabularInline):
    model = AuditQuestion
    extra = 0


class RecommendationInline(admin.StackedInline):
    model = Recommendation
    extra = 0
    filter_horizontal = ["addressed_to"]


@admin.register(Audit)
class AuditAdmin(admin.ModelAdmin):
    list_display = ["title", "auditor_firm", "published_on", "response_deadline"]
    search_fields = ["title", "auditor_firm", "case_number"]
    filter_horizontal = ["audited_bodies"]
    inlines = [QuestionInline, RecommendationInline]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["description", "responsible_body", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["responsible_body"]


admin.site.register(Response)
admin.site.register(AuditorFollowUp)
admin.site.register(EvidenceLink)
