"""Text that stays valid: control characters are refused in every text field, at every entry.

A control character (U+0000-U+001F except tab and line breaks, DEL, and the C1 range) has no
meaning in a name, a title or a note; it comes from a copied text or from someone probing, and
once stored it breaks what is made from it (an Excel export cannot hold it). One validator,
:func:`refuse_control_characters`, is installed at start-up (when ``WebConfig`` is made,
before any app is loaded) on the *field classes* rather than on each form or serializer, so
no form, model form, admin form or API serializer can forget it, whatever model field it is
built from:

* Django forms: ``forms.CharField.default_validators`` — every ``CharField`` and the subclasses
  that do not bring their own (e-mail, URL and slug fields have stricter validators already);
* Django REST framework: every ``serializers.CharField`` (and subclass) gets the validator
  after its own, as DRF itself adds its null-character validator.

The exports leave out whatever might still be stored from before (``web.tables.safe_text``).
"""

from __future__ import annotations

import re
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

#: C0 controls but tab, line feed and carriage return; DEL; C1 controls.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f]")
CODE = "control_characters"


def refuse_control_characters(value: Any) -> None:
    if isinstance(value, str) and CONTROL_CHARACTERS.search(value):
        raise ValidationError(
            _(
                "Texten innehåller osynliga styrtecken (ofta från inklistrad text). Ta bort dem "
                "och försök igen."
            ),
            code=CODE,
        )


def install() -> None:
    """Put the validator on every form and serializer text field (idempotent)."""
    if refuse_control_characters not in forms.CharField.default_validators:
        forms.CharField.default_validators = [
            *forms.CharField.default_validators,
            refuse_control_characters,
        ]
    from rest_framework import serializers

    init = serializers.CharField.__init__
    if getattr(init, "refuses_control_characters", False):
        return

    def __init__(self, **kwargs: Any) -> None:
        init(self, **kwargs)
        self.validators.append(refuse_control_characters)

    __init__.refuses_control_characters = True  # type: ignore[attr-defined]
    serializers.CharField.__init__ = __init__  # type: ignore[method-assign]
