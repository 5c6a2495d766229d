from django.contrib import admin

from etablera.web.admin import ServiceAdmin

from . import services
from .models import Decision, Mandate, PolicyArea


@admin.register(PolicyArea)
class PolicyAreaAdmin(ServiceAdmin):
    service = staticmethod(services.save_policy_area)
    list_display = ["name", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]


@admin.register(Decision)
class DecisionAdmin(ServiceAdmin):
    service = staticmethod(services.save_decision)
    list_display = ["__str__", "title", "body", "date"]
    list_filter = ["body"]
    search_fields = ["title", "case_number", "section"]
    list_select_related = ["body"]


@admin.register(Mandate)
class MandateAdmin(ServiceAdmin):
    service = staticmethod(services.save_mandate)
    list_display = ["title", "policy_area", "owner", "level", "origin", "status"]
    list_filter = ["level", "origin", "status", "policy_area", "owner"]
    search_fields = ["title", "description"]
    list_select_related = ["policy_area", "owner"]
    raw_id_fields = ["decision"]
