"""Goals in the admin, for inspection: goals, indicators, targets and values change through
the services in the pages, which check and record who changed what."""

from django.contrib import admin

from etablera.web.admin import ReadOnlyAdmin, ReadOnlyTabularInline

from .models import Goal, Indicator, IndicatorValue, Target


@admin.register(Goal)
class GoalAdmin(ReadOnlyAdmin):
    list_display = ["title", "level", "owner", "policy_area", "valid_from", "valid_to"]
    list_filter = ["level", "policy_area", "owner"]
    search_fields = ["title"]
    filter_horizontal = ["mandates"]


class TargetInline(ReadOnlyTabularInline):
    model = Target
    extra = 0


@admin.register(Indicator)
class IndicatorAdmin(ReadOnlyAdmin):
    list_display = ["name", "unit", "direction", "source", "source_key", "gender_breakdown"]
    list_filter = ["source", "unit"]
    search_fields = ["name", "source_key"]
    filter_horizontal = ["goals"]
    inlines = [TargetInline]


@admin.register(IndicatorValue)
class IndicatorValueAdmin(ReadOnlyAdmin):
    list_display = ["indicator", "start", "end", "gender", "value", "suppressed", "source"]
    list_filter = ["source", "gender"]
    search_fields = ["indicator__name"]
    readonly_fields = ["entered_by", "entered_at"]
