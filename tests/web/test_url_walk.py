"""Every page and API route, asked by a signed-in user who holds no role, gives nothing away.

The walk takes every URL pattern (the pages, the admin, the API router's routes), fills in its
parameters with ids of the demo's objects, and asks with GET (and with POST where GET is not
allowed). Everything must answer with a redirect to the login page, 403 or 404 — except the
short list below of pages meant for every signed-in user.
"""

from __future__ import annotations

import re

import pytest
from django.conf import settings
from django.shortcuts import resolve_url
from django.urls import URLPattern, URLResolver, get_resolver

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

#: Pages every signed-in user may open, whatever their roles (with why).
ALLOWED = {
    "/": "the start page, which shows only what the roles allow",
    "/tillganglighet/": "the accessibility statement, public by law",
    "/om-uppgifterna/": "what the data are and where they come from, public",
    "/konto/": "one's own account and roles",
    "/konto/byt-losenord/": "changing one's own password",
    "/konto/losenord-bytt/": "the password was changed",
    "/konto/logga-ut/": "signing out",
    "/konto/tvafaktor/": "one's own two-factor sign-in",
    "/konto/tvafaktor/aktivera/": "setting up one's own two-factor sign-in",
    "/konto/tvafaktor/reservkoder/": "one's own recovery codes",
    "/konto/tvafaktor/stang-av/": "turning off one's own two-factor sign-in",
    "/konto/logga-in/": "signing in (a signed-in user is sent on)",
    "/konto/glomt-losenord/": "asking for a new password (the same answer for any address)",
    "/konto/glomt-losenord/skickat/": "the link is on its way, if the address has an account",
    "/konto/aterstall/klart/": "the password was reset",
    "/konto/aterstall/x/x/": "a link to a new password (here a bad one: said so, nothing else)",
    "/admin/login/": "the admin's sign-in page, which refuses anyone not staff",
    "/admin/logout/": "signing out",
    "/i18n/setlang/": "choosing the language",
    "/api/": "the API's list of routes, names only",
    "/api/schema/": "the API's description, no data",
    "/api/docs/": "the API's documentation page, no data",
    "/konto/api-nycklar/": "one's own API tokens",
    # Documented: anyone but a coach of the unit gets an empty list here, never a 403.
    "/api/participants/": "an empty list",
    "/api/participants.json/": "an empty list",
    "/api/enrolments/": "an empty list",
    "/api/enrolments.json/": "an empty list",
    "/api/observations/": "an empty list",
    "/api/observations.json/": "an empty list",
}

VALUE = {
    "int": "1",
    "slug": "x",
    "str": "x",
    "path": "x",
    "uuid": "00000000-0000-0000-0000-000000000001",
}


def _fill(route: str) -> str:
    """A concrete path for a ``path()`` route or a router's regular expression."""
    route = re.sub(r"\(\?P<format>[^)]*\)", "json", route)
    route = re.sub(r"\(\?P<\w+>[^)]*\)", "1", route)
    route = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: VALUE.get(m.group(1) or "str", "1"), route)
    route = route.replace("\\.", ".").lstrip("^").rstrip("$").replace("/?", "/")
    return route


def _walk(patterns, prefix: str = ""):
    for entry in patterns:
        route = _fill(str(entry.pattern))
        if isinstance(entry, URLResolver):
            yield from _walk(entry.url_patterns, prefix + route)
        elif isinstance(entry, URLPattern):
            yield "/" + prefix + route


@pytest.fixture
def demo(small_demo, db):
    """The small demo, loaded once for this module (``tests/conftest.py``)."""


def _refuses(client, response, hops: int = 3) -> bool:
    """403, 404, or a redirect to a login page or on to a page that refuses."""
    if response.status_code in (403, 404):
        return True
    if response.status_code in (301, 302) and hops:
        target = response["Location"].split("?")[0]
        if target in (resolve_url(settings.LOGIN_URL), "/admin/login/"):
            return True
        return _refuses(client, client.get(response["Location"]), hops - 1)
    return False


def test_a_user_with_no_role_is_refused_everywhere_but_the_allow_list(client, demo):
    nobody = UserFactory()
    urls = sorted(set(_walk(get_resolver().url_patterns)))
    assert len(urls) > 100
    answered: list[str] = []
    for url in urls:
        if url in ALLOWED:
            continue
        client.force_login(nobody)
        response = client.get(url)
        if response.status_code == 405:
            response = client.post(url)
        if not _refuses(client, response):
            answered.append(f"{url} → {response.status_code}")
    assert answered == [], "\n".join(answered)
