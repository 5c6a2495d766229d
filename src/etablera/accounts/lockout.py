"""Login lockout (django-axes): one limit per user name, another per client address.

Failures are counted per user name and, separately, per address. A user name is locked after
``ETABLERA_LOGIN_FAILURE_LIMIT`` failures from anywhere; an address after
``ETABLERA_LOGIN_ADDRESS_FAILURE_LIMIT`` failures across any user names. Keyed on the pair
instead, five wrong passwords behind the municipality's reverse proxy (one address for
everyone) locked a user out for everybody, while one password tried across many user names was
never limited.

The client address comes from ``REMOTE_ADDR``, or — only for requests that arrive from a
trusted proxy (``ETABLERA_TRUSTED_PROXIES``) — from the one header that proxy is configured to
set (``ETABLERA_CLIENT_IP_HEADER``). No other header is read, so a client cannot choose the
address its failures are counted against.
"""

from __future__ import annotations

import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from django.conf import settings
from django.db.models import Sum


def _address(text: str) -> str | None:
    try:
        return str(ipaddress.ip_address(text.strip()))
    except ValueError:
        return None


def client_address(request) -> str | None:
    """The client's address, as configured (see the module docstring)."""
    remote = request.META.get("REMOTE_ADDR", "")
    header = settings.ETABLERA_CLIENT_IP_HEADER
    if not header or remote not in settings.ETABLERA_TRUSTED_PROXIES:
        return _address(remote) if remote else None
    value = request.META.get("HTTP_" + header.upper().replace("-", "_"), "")
    # A list such as X-Forwarded-For: the last entry is the one our proxy added.
    last = value.split(",")[-1] if value else ""
    return _address(last) or (_address(remote) if remote else None)


class LockoutHandler(AxesDatabaseHandler):
    """Axes' database handler with a limit of its own for each lockout parameter.

    Axes compares one number, ``get_failures``, with ``AXES_FAILURE_LIMIT`` (the user-name
    limit). Failures per address are scaled so that reaching the address limit reaches that
    number too: a request is locked when either count reaches its own limit.
    """

    def get_failures(self, request, credentials: dict | None = None) -> int:
        per_username, per_address = (
            attempts.aggregate(total=Sum("failures_since_start"))["total"] or 0
            for attempts in self.get_user_attempts(request, credentials)
        )
        username_limit = settings.AXES_FAILURE_LIMIT
        address_limit = settings.ETABLERA_LOGIN_ADDRESS_FAILURE_LIMIT
        return max(per_username, per_address * username_limit // address_limit)
