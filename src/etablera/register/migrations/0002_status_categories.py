"""Seed the status categories of DOMAIN.md (see ``register/status_defaults.py``)."""

from django.db import migrations

from etablera.register.status_defaults import CATEGORIES, ensure_default_status_categories


def seed(apps, schema_editor):
    ensure_default_status_categories(apps.get_model("register", "StatusCategory"))


def unseed(apps, schema_editor):
    StatusCategory = apps.get_model("register", "StatusCategory")
    StatusCategory.objects.filter(code__in=[c[0] for c in CATEGORIES]).delete()


class Migration(migrations.Migration):
    dependencies = [("register", "0001_initial")]

    operations = [migrations.RunPython(seed, unseed)]
