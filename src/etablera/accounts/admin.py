"""The Django admin for users, roles and the trail — with the administrator's limits built in.

Separation of duties: the system administrator manages accounts but never sees personal data
and never holds another user's credentials.

* Role assignments are saved through ``services.grant_role``/``revoke_role``: a role that sees
  personal data cannot be given to oneself, and every grant is logged and reported.
* django-auditlog's change history leaves out the models declared as personal data
  (``personal_data``): their entries would show a participant's details.
* There is no page for API tokens: each user makes their own (``tokens``), so the admin cannot
  make one for someone else and act in their name.
* Nor does the admin set the password of someone who holds a personal-data role: knowing it,
  they could sign in as that person. Such a user changes their own password (or signs in
  through the municipality's identity provider).
"""

from auditlog.admin import LogEntryAdmin as AuditlogEntryAdmin
from auditlog.models import LogEntry
from django import forms
from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from etablera.web.admin import ReadOnlyAdmin

from . import personal_data, services
from .models import AccessLogEntry, RoleAssignment, User
from .roles import PERSONAL_DATA_ROLES


class RoleAssignmentFormSet(forms.BaseInlineFormSet):
    """Refuses, with the service's own message, what ``grant_role`` would refuse."""

    actor = None  # set per request by ``RoleAssignmentInline.get_formset``

    def clean(self) -> None:
        super().clean()
        for form in self.forms:
            if not form.has_changed() or self._should_delete_form(form) or form.errors:
                continue
            if not form.cleaned_data.get("role"):
                continue
            assignment = form.instance
            assignment.user = self.instance
            try:
                services.check_grant(assignment, actor=self.actor)
            except ValidationError as exc:
                form.add_error("role", exc.message_dict["role"])


class RoleAssignmentInline(admin.TabularInline):
    model = RoleAssignment
    formset = RoleAssignmentFormSet
    extra = 1
    autocomplete_fields = ["body", "unit"]

    def get_formset(self, request, obj=None, **kwargs):
        formset = super().get_formset(request, obj, **kwargs)
        formset.actor = request.user
        return formset


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [RoleAssignmentInline]
    list_display = ["username", "first_name", "last_name", "email", "is_active"]
    fieldsets = (*BaseUserAdmin.fieldsets, ("Etablera", {"fields": ("title",)}))

    def save_model(self, request, obj, form, change) -> None:
        services.save_user(obj, actor=request.user)

    def user_change_password(self, request, id, form_url=""):
        holds_personal_data = RoleAssignment.objects.filter(
            user_id=id, role__in=PERSONAL_DATA_ROLES
        ).exists()
        if holds_personal_data and str(request.user.pk) != str(id):
            messages.error(
                request,
                _(
                    "Användaren har en roll som ser personuppgifter. Då byter hen sitt "
                    "lösenord själv: en administratör som kände lösenordet kunde logga in "
                    "i hens namn."
                ),
            )
            return redirect("admin:accounts_user_change", id)
        return super().user_change_password(request, id, form_url)

    def save_formset(self, request, form, formset, change) -> None:
        if formset.model is not RoleAssignment:
            super().save_formset(request, form, formset, change)
            return
        for assignment in formset.save(commit=False):
            services.grant_role(assignment, actor=request.user)
        for assignment in formset.deleted_objects:
            services.revoke_role(assignment, actor=request.user)


@admin.register(AccessLogEntry)
class AccessLogEntryAdmin(ReadOnlyAdmin):
    """Read-only: the log is append-only."""

    list_display = ["at", "username", "action", "subject_type", "subject_id", "detail"]
    list_filter = ["action", "subject_type"]
    search_fields = ["username", "subject_id"]
    date_hierarchy = "at"


class ChangeHistoryAdmin(AuditlogEntryAdmin):
    """django-auditlog's change history, without the entries of personal-data models.

    Those entries are left out of the list, the filters, the search and the detail pages
    alike (a left-out entry's page answers as if it did not exist).
    """

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .exclude(content_type_id__in=personal_data.content_type_ids())
        )


admin.site.unregister(LogEntry)
admin.site.register(LogEntry, ChangeHistoryAdmin)


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
