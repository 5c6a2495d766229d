"""The one form body (form → service → message → redirect) that every form page calls."""

from __future__ import annotations

import pytest
from django import forms
from django.contrib.messages import get_messages
from django.contrib.messages.storage.fallback import FallbackStorage
from django.contrib.sessions.backends.signed_cookies import SessionStore
from django.core.exceptions import ValidationError
from django.test import RequestFactory

from etablera.web.forms import submit_form


class NameForm(forms.Form):
    name = forms.CharField()


def _request(method: str, data: dict | None = None):
    factory = RequestFactory()
    request = factory.post("/", data or {}) if method == "POST" else factory.get("/")
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    return request


def _shown_context(calls: list):
    def context() -> dict:
        calls.append("shown")
        return {"extra": "x"}

    return context


def test_a_valid_post_saves_says_so_and_redirects_without_reading_the_page_context():
    request, calls, saved = _request("POST", {"name": "Nämnd"}), [], []
    form = NameForm(request.POST)
    response = submit_form(
        request,
        form,
        lambda: saved.append(form.cleaned_data["name"]) or "sparat",
        done=lambda result: f"Klart: {result}",
        then="/klart/",
        template="includes/form.html",
        context=_shown_context(calls),
    )
    assert response.status_code == 302 and response["Location"] == "/klart/"
    assert saved == ["Nämnd"] and calls == []
    assert [str(m) for m in get_messages(request)] == ["Klart: sparat"]


@pytest.mark.django_db
def test_a_refusal_by_the_service_lands_on_the_form_and_the_page_is_shown_again():
    request, calls = _request("POST", {"name": "Nämnd"}), []
    form = NameForm(request.POST)

    def refuse():
        raise ValidationError({"name": "Finns redan."})

    response = submit_form(
        request,
        form,
        refuse,
        done="Klart",
        then="/klart/",
        template="includes/form.html",
        context=_shown_context(calls),
    )
    assert response.status_code == 200
    assert form.errors["name"] == ["Finns redan."]
    assert calls == ["shown"]
    assert list(get_messages(request)) == []


@pytest.mark.django_db
def test_a_get_only_shows_the_form():
    request, saved = _request("GET"), []
    response = submit_form(
        request,
        NameForm(None),
        lambda: saved.append("no"),
        done="Klart",
        then="/klart/",
        template="includes/form.html",
    )
    assert response.status_code == 200 and saved == []
