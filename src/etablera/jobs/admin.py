from django.contrib import admin

from etablera.web.admin import ReadOnlyAdmin

from .models import Job


@admin.register(Job)
class JobAdmin(ReadOnlyAdmin):
    """Jobs are written by the queue and the workers alone."""

    list_display = ["pk", "kind", "owner", "status", "created_at", "finished_at"]
    list_filter = ["status", "kind"]
