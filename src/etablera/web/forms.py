"""Form helpers shared by the apps."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

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


def submit_form(
    request: HttpRequest,
    form: forms.BaseForm,
    save: Callable[[], Any],
    *,
    done: str | Callable[[Any], str],
    then: Any,
    template: str,
    context: dict[str, Any] | Callable[[], dict[str, Any]] | None = None,
    warn: Callable[[Any], str | None] | None = None,
) -> HttpResponse:
    """The body every form page shares: form → service → message → redirect.

    A valid POST calls ``save`` (only then: it may call ``form.save(commit=False)``), which
    calls the service; a ``ValidationError`` it raises lands on the form (:func:`run_service`).
    When it returns what was saved, the page says ``done`` and redirects to ``then`` (a URL, a
    model, or a function of what was saved giving one). Any other request, or an error the
    service put on the form, renders ``template`` with the form and ``context`` — which may be a
    function, called only when the page is rendered (a page that shows a participant writes the
    access log there, and not for a POST that saved and redirected). ``warn``, a function of
    what was saved, may add a warning after the success message (something saved that still
    needs attention).
    """
    if request.method == "POST" and form.is_valid():
        saved = run_service(form, save)
        if saved is not None:
            messages.success(request, done(saved) if callable(done) else done)
            warning = warn(saved) if warn is not None else None
            if warning:
                messages.warning(request, warning)
            return redirect(then(saved) if callable(then) else then)
    extra = context() if callable(context) else context
    return render(request, template, {"form": form, **(extra or {})})


class DateInput(forms.DateInput):
    """A native date picker that also accepts typed ISO dates."""

    input_type = "date"

    def __init__(self, attrs=None):
        super().__init__(attrs, format="%Y-%m-%d")
