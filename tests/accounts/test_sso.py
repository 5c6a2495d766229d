"""Single sign-on against a real OpenID Connect provider started on loopback for the tests.

The provider (tests/sso_provider, django-oauth-toolkit) runs in a subprocess on a free port: the
authorisation redirect, the code exchange, the signed ID token, the key set and the user-info
endpoint are all real HTTP. Etablera matches the person by a claim and assigns no roles itself.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import parse_qs, urlparse

import httpx
import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from django.urls import reverse

from etablera.accounts.models import RoleAssignment, User
from etablera.accounts.roles import Role
from etablera.accounts.sso import BACKEND
from etablera.accounts.twofactor import SIGNED_IN_BY_IDP

ROOT = Path(__file__).resolve().parents[2]
CLIENT_ID, CLIENT_SECRET = "etablera", "provider-test-secret"
CALLBACK = "http://testserver/oidc/callback/"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def provider(tmp_path_factory):
    """The identity provider's base URL, served by a subprocess until the module ends."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    ).decode()
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tests.sso_provider.settings",
        "PROVIDER_DB": str(tmp_path_factory.mktemp("provider") / "db.sqlite3"),
        "PROVIDER_RSA_KEY": pem,
        "PYTHONPATH": str(ROOT),
    }
    django = [sys.executable, "-m", "django"]
    subprocess.run([*django, "migrate", "-v", "0"], env=env, cwd=ROOT, check=True)
    subprocess.run(
        [
            sys.executable,
            "-c",
            "import django, runpy; django.setup(); "
            "runpy.run_path('tests/sso_provider/setup.py', run_name='__main__')",
            CLIENT_ID,
            CLIENT_SECRET,
            CALLBACK,
        ],
        env=env,
        cwd=ROOT,
        check=True,
    )
    port = _free_port()
    server = subprocess.Popen(
        [*django, "runserver", f"127.0.0.1:{port}", "--noreload", "--nothreading"],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(200):
            try:
                httpx.get(f"{base}/o/.well-known/openid-configuration/", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            pytest.fail("the test identity provider did not start")
        yield base
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture
def sso(settings, provider, db):
    settings.AUTHENTICATION_BACKENDS = [*settings.AUTHENTICATION_BACKENDS, BACKEND]
    settings.OIDC_RP_CLIENT_ID = CLIENT_ID
    settings.OIDC_RP_CLIENT_SECRET = CLIENT_SECRET
    settings.OIDC_OP_AUTHORIZATION_ENDPOINT = f"{provider}/o/authorize/"
    settings.OIDC_OP_TOKEN_ENDPOINT = f"{provider}/o/token/"
    settings.OIDC_OP_USER_ENDPOINT = f"{provider}/o/userinfo/"
    settings.OIDC_OP_JWKS_ENDPOINT = f"{provider}/o/.well-known/jwks.json"
    settings.ETABLERA_2FA_REQUIRED = True
    return provider


def sign_in_at_provider(client, provider: str, username: str):
    """Go through the provider as ``username``; return Etablera's answer to the callback."""
    start = client.get(reverse("oidc_authentication_init"))
    assert start.status_code == 302 and start["Location"].startswith(provider)
    with httpx.Client(follow_redirects=False, timeout=10) as browser:
        browser.get(f"{provider}/login-as/{username}/")
        answer = browser.get(start["Location"])
    assert answer.status_code == 302, answer.text[:500]
    back = urlparse(answer.headers["location"])
    assert f"http://{back.netloc}{back.path}" == CALLBACK
    assert "code" in parse_qs(back.query)
    return client.get(f"{back.path}?{back.query}")


def test_the_login_page_offers_the_municipalitys_sign_in(client, sso):
    html = client.get(reverse("accounts:login")).content.decode()
    assert "Logga in med kommunens konto" in html


def test_a_known_user_is_signed_in_with_their_etablera_roles(client, sso, make_user, unit):
    coach = make_user(Role.COACH, unit=unit)
    coach.username = "kerstin.coach"
    coach.save()
    response = sign_in_at_provider(client, sso, "Kerstin.Coach")
    assert response.status_code == 302 and response["Location"] == reverse("home")
    assert int(client.session["_auth_user_id"]) == coach.pk
    assert client.session[SIGNED_IN_BY_IDP] is True
    # The provider's sign-in stands for the second factor: the coach reaches the register.
    assert client.get("/register/deltagare/").status_code == 200
    assert list(RoleAssignment.objects.filter(user=coach).values_list("role", flat=True)) == [
        Role.COACH
    ]


def test_an_unknown_person_gets_a_user_without_roles(client, sso):
    sign_in_at_provider(client, sso, "ny.person")
    user = User.objects.get(username="ny.person")
    assert user.email == "ny.person@kommun.example"
    assert not user.role_assignments.exists()
    assert client.get("/register/deltagare/").status_code == 403


def test_unknown_people_can_be_refused(client, sso, settings):
    settings.ETABLERA_OIDC_CREATE_USERS = False
    response = sign_in_at_provider(client, sso, "obekant")
    assert response["Location"] == settings.LOGIN_REDIRECT_URL_FAILURE
    assert not User.objects.filter(username="obekant").exists()
    assert "_auth_user_id" not in client.session
    html = client.get(response["Location"]).content.decode()
    assert "Inloggningen via kommunens konto misslyckades" in html


def test_a_forged_callback_is_refused(client, sso):
    client.get(reverse("oidc_authentication_init"))
    response = client.get("/oidc/callback/?code=forged&state=forged")
    assert response.status_code in {302, 400}
    assert "_auth_user_id" not in client.session
