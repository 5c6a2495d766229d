from django.contrib import admin

from . import services
from .models import Decision, Mandate, PolicyArea


@admin.register(PolicyArea)
class PolicyAreaAdmin(admin.ModelAdmin):
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_policy_area(obj)


@admin.register(Decision)
class DecisionAdmin(admin.ModelAdmin):
    list_display = ["__str__", "title", "body", "date"]
    list_filter = ["body"]
    search_fields = ["title", "case_number", "section"]
    list_select_related = ["body"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_decision(obj)


@admin.register(Mandate)
class MandateAdmin(admin.ModelAdmin):
    list_display = ["title", "policy_area", "owner", "level", "origin", "status"]
    list_filter = ["level", "origin", "status", "policy_area", "owner"]
    search_fields = ["title", "description"]
    list_select_related = ["policy_area", "owner"]
    raw_id_fields = ["decision"]

    def save_model(self, request, obj, form, change) -> None:
        services.save_mandate(obj)
