"""Which models hold personal data, declared by the apps that own them.

Used where something outside the access policy could show those models — above all the Django
admin's change history (django-auditlog), which would otherwise show a system administrator
every change to a participant. Apps declare their models in ``rules.py``, beside their rules.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db import models

_declared: set[type[models.Model]] = set()


def declare(*model_classes: type[models.Model]) -> None:
    """Say that objects of these models are personal data."""
    _declared.update(model_classes)


def declared() -> frozenset[type[models.Model]]:
    return frozenset(_declared)


def content_type_ids() -> list[int]:
    """The content types of every declared model (made if missing, as Django does)."""
    by_model = ContentType.objects.get_for_models(*_declared) if _declared else {}
    return sorted(ct.pk for ct in by_model.values())
