"""Audits in the admin, for inspection: every change goes through the services in the pages,
which check the body's scope and record who did it."""

from django.contrib import admin

from etablera.web.admin import ReadOnlyAdmin, ReadOnlyMixin

from .models import (
    Action,
    Audit,
    AuditorFollowUp,
    AuditQuestion,
    EvidenceLink,
    Recommendation,
    Response,
)


class QuestionInline(ReadOnlyMixin, admin.TabularInline):
    model = AuditQuestion
    extra = 0


class RecommendationInline(ReadOnlyMixin, admin.StackedInline):
    model = Recommendation
    extra = 0
    filter_horizontal = ["addressed_to"]


@admin.register(Audit)
class AuditAdmin(ReadOnlyAdmin):
    list_display = ["title", "auditor_firm", "published_on", "response_deadline"]
    search_fields = ["title", "auditor_firm", "case_number"]
    filter_horizontal = ["audited_bodies"]
    inlines = [QuestionInline, RecommendationInline]


@admin.register(Action)
class ActionAdmin(ReadOnlyAdmin):
    list_display = ["description", "responsible_body", "due_date", "status"]
    list_filter = ["status"]
    list_select_related = ["responsible_body"]


admin.site.register(Response, ReadOnlyAdmin)
admin.site.register(AuditorFollowUp, ReadOnlyAdmin)
admin.site.register(EvidenceLink, ReadOnlyAdmin)
