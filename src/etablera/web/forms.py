"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.core.exceptions import ValidationError

T = TypeVar("T")


def run_service(
    form: forms.BaseForm, service: Callable[..., T], *args: Any, **kwargs: Any
) -> T | None:
    """Call a service; put its ValidationError on the form instead of letting it become a 500.

    Services validate everything again (a constraint may involve fields the form does not show),
    so a view calls them through this and re-renders the form when it returns None.
    """
    try:
        return service(*args, **kwargs)
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.error_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            form.add_error(None, exc)
        return None


class DateInput(forms.DateInput):
    """A native date picker that also accepts typed ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
