"""Users and their roles in the admin, saved through ``accounts.services``; the access log
read-only."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from etablera.web.admin import ReadOnlyAdmin

from . import services
from .models import AccessLogEntry, RoleAssignment, User


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    extra = 1
    autocomplete_fields = ["body", "unit"]


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Etablera", {"fields": ("title",)}))

    def save_model(self, request, obj, form, change) -> None:
        services.save_user(obj)

    def save_formset(self, request, form, formset, change) -> None:
        for assignment in formset.save(commit=False):
            services.save_role_assignment(assignment)
        for assignment in formset.deleted_objects:
            services.remove_role_assignment(assignment)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only."""

    list_display = ["at", "username", "action", "subject_type", "subject_id", "detail"]
    list_filter = ["action", "subject_type"]
    search_fields = ["username", "subject_id"]
    date_hierarchy = "at"


@admin.action(description=_("Återställ tvåfaktorsinloggning"))
def reset_two_factor(modeladmin, request, queryset) -> None:
    """Remove the chosen users' authenticators and recovery codes (recorded in the access log);
    each sets up a new authenticator at the next sign-in."""
    from .twofactor import reset

    for user in queryset:
        reset(user, actor=request.user)
    modeladmin.message_user(
        request,
        ngettext(
            "Tvåfaktorsinloggningen återställdes för %(n)d användare.",
            "Tvåfaktorsinloggningen återställdes för %(n)d användare.",
            len(queryset),
        )
        % {"n": len(queryset)},
    )


UserAdmin.actions = [*UserAdmin.actions, reset_two_factor]
