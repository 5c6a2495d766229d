"""Control characters are refused in every text field of every form and serializer.

The walk imports every app module that defines forms or API serializers and checks each text
field's validators, so a form or serializer added later is covered without being listed here.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil

import pytest
from django import forms
from hypothesis import given
from hypothesis import strategies as st
from rest_framework import serializers

import etablera
from etablera.web.tables import safe_text
from etablera.web.text_input import CONTROL_CHARACTERS, refuse_control_characters

#: Text fields whose own validators already refuse anything but a narrow pattern.
STRICT = (forms.EmailField, forms.URLField, forms.SlugField, forms.GenericIPAddressField)


def _modules():
    for info in pkgutil.walk_packages(etablera.__path__, "etablera."):
        if info.name.rsplit(".", 1)[-1] in ("forms", "api", "admin", "views") or ".forms" in (
            info.name
        ):
            yield importlib.import_module(info.name)


def _classes(base):
    found = {}
    for module in _modules():
        for _name, value in inspect.getmembers(module, inspect.isclass):
            if issubclass(value, base) and value.__module__.startswith("etablera."):
                found[f"{value.__module__}.{value.__qualname__}"] = value
    return found


def test_every_form_text_field_refuses_control_characters():
    form_classes = _classes(forms.BaseForm)
    assert len(form_classes) > 30
    checked = 0
    for name, form_class in form_classes.items():
        for field_name, field in form_class.base_fields.items():
            if isinstance(field, forms.CharField) and not isinstance(field, STRICT):
                assert refuse_control_characters in field.validators, f"{name}.{field_name}"
                checked += 1
    assert checked > 50


def test_every_serializer_text_field_refuses_control_characters():
    serializer_classes = _classes(serializers.Serializer)
    assert len(serializer_classes) > 20
    checked = 0
    for name, serializer_class in serializer_classes.items():
        if issubclass(serializer_class, serializers.ModelSerializer) and not hasattr(
            serializer_class, "Meta"
        ):
            continue  # an abstract base: its subclasses are walked
        for field_name, field in serializer_class().fields.items():
            if isinstance(field, serializers.CharField) and not field.read_only:
                assert refuse_control_characters in field.validators, f"{name}.{field_name}"
                checked += 1
    assert checked > 10


@given(st.text(), st.sampled_from([*"\x00\x01\x08\x0b\x0c\x1b\x7f\x85\x9f"]), st.text())
def test_the_validator_refuses_any_text_with_a_control_character(before, control, after):
    with pytest.raises(forms.ValidationError):
        refuse_control_characters(before + control + after)


@given(st.text(alphabet=st.characters(blacklist_categories=["Cc"]) | st.sampled_from("\t\r\n")))
def test_the_validator_accepts_text_with_tabs_and_line_breaks(text):
    refuse_control_characters(text)


@given(st.text())
def test_safe_text_never_leaves_a_control_character_or_a_formula(text):
    safe = safe_text(text)
    assert not CONTROL_CHARACTERS.search(safe)
    assert safe[:1] not in ("=", "+", "-", "@", "\t", "\r") or safe == ""


def test_a_form_refuses_a_control_character():
    field = forms.CharField()
    with pytest.raises(forms.ValidationError):
        field.clean("Namn\u0007")
    assert field.clean("Rad ett\r\nrad två\tmed tabb") == "Rad ett\r\nrad två\tmed tabb"
