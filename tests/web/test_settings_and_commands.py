"""Configuration errors are clear; the demo loads idempotently; error pages are Swedish."""

from __future__ import annotations

import os
import subprocess
import sys
from io import StringIO

from django.core.management import call_command
from django.urls import reverse

from etablera.organisation.models import Body
from etablera.web.models import DemoLoad

ETABLERA = [sys.executable, "-m", "etablera"]


def run(args: list[str], **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if k not in {"SECRET_KEY", "DATABASE_URL"}}
    environment.update(env)
    return subprocess.run(
        [*ETABLERA, *args], capture_output=True, text=True, env=environment, timeout=60, check=False
    )


def test_production_refuses_to_start_without_secret_key():
    result = run(
        ["check"], ETABLERA_ENV="production", ALLOWED_HOSTS="example.org", ETABLERA_DATA_KEY="x"
    )
    assert result.returncode == 2
    assert "SECRET_KEY is not set" in result.stderr
    assert "Traceback" not in result.stderr


def test_a_wrong_database_url_is_explained():
    result = run(["check"], DATABASE_URL="mysql2://nowhere/db")
    assert result.returncode == 2
    assert "DATABASE_URL" in result.stderr
    assert "Traceback" not in result.stderr


def test_an_unreachable_database_is_explained(tmp_path):
    result = run(["migrate"], DATABASE_URL="postgres://nobody:x@127.0.0.1:1/none")
    assert result.returncode == 2
    assert "cannot use the database" in result.stderr


def test_loaddemo_is_idempotent(db):
    call_command("loaddemo", stdout=StringIO(), small=True)
    bodies = Body.objects.count()
    loads = DemoLoad.objects.count()
    out = StringIO()
    call_command("loaddemo", stdout=out, small=True)
    assert "already loaded" in out.getvalue()
    assert Body.objects.count() == bodies
    assert DemoLoad.objects.count() == loads


def test_unknown_url_gives_a_swedish_404(client, db):
    response = client.get("/finns-inte/")
    assert response.status_code == 404
    assert "Sidan finns inte" in response.content.decode()


def test_demo_banner_and_fictitious_data_notice(client, db, make_user):
    from tests.factories import MunicipalityFactory

    MunicipalityFactory(is_demo=True)
    client.force_login(make_user("reader"))
    html = client.get(reverse("home")).content.decode()
    assert "Demodata" in html
    assert "påhittade" in html


def test_accessibility_statement_is_public(client, db):
    response = client.get(reverse("accessibility"))
    assert response.status_code == 200
    assert "Tillgänglighetsredogörelse" in response.content.decode()


def test_language_switch_to_english(client, db, make_user):
    client.force_login(make_user("reader"))
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/").content.decode()
    assert 'lang="en"' in html


def test_swedish_is_the_default_whatever_the_browser_prefers(client, db, make_user):
    client.force_login(make_user("reader"))
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert 'lang="sv"' in html
