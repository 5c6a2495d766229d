"""Content-Security-Policy, Permissions-Policy and ``no-store`` on what shows personal data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from rest_framework.test import APIClient

import etablera
from etablera.accounts.roles import Role
from tests.factories import UnitFactory
from tests.register.factories import ParticipantFactory

#: A standalone document written to a file by ``etablera report --format html``, never served.
STANDALONE = {"consolidated_document.html"}


def test_every_response_has_a_strict_csp_and_a_permissions_policy(client, db):
    response = client.get("/konto/logga-in/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "camera=()" in response["Permissions-Policy"]


def test_no_template_has_inline_script_or_style():
    root = Path(etablera.__file__).parent
    inline = re.compile(r"<script(?![^>]*\bsrc=)[^>]*>|<style\b|\sstyle=|\son[a-z]+=", re.I)
    offenders = [
        f"{path.relative_to(root)}: {match.group(0)}"
        for path in root.rglob("templates/**/*.html")
        if path.name not in STANDALONE
        for match in inline.finditer(path.read_text())
    ]
    assert offenders == []


@pytest.fixture
def coach_and_participant(make_user, body):
    unit = UnitFactory(body=body)
    return make_user(Role.COACH, unit=unit), ParticipantFactory(owning_unit=unit)


def test_participant_pages_forms_and_api_are_not_stored(client, coach_and_participant):
    coach, participant = coach_and_participant
    client.force_login(coach)
    for url in (
        "/register/deltagare/",
        f"/register/deltagare/{participant.pk}/",
        f"/register/deltagare/{participant.pk}/andra/",
        f"/register/deltagare/{participant.pk}/skriv-in/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "no-store", url
    api = APIClient()
    api.force_authenticate(coach)
    for url in ("/api/participants/", f"/api/participants/{participant.pk}/"):
        assert api.get(url)["Cache-Control"] == "no-store", url


def test_static_files_stay_cacheable(client, db):
    response = client.get("/static/web/etablera.css")
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_the_api_docs_need_no_inline_script(client, db):
    html = client.get("/api/docs/").content.decode()
    assert "<script>" not in html and "<style>" not in html
    assert client.get("/api/docs/?script").status_code == 200
