"""Start pages of every demo role, on the demo data, against a page that reads nothing.

``python -m bench start_pages`` loads the full demo into a throwaway SQLite database (or into
``DATABASE_URL`` if set to a scratch PostgreSQL), signs each demo user in, and times, side by
side, the server's answer (Django's test client: view, queries and template, no network) for:

* ``floor``  — the accessibility statement, a page that reads nothing but the session;
* ``start``  — the user's start page with its caches warm (the KPI figures, the governance
  check and the Kolada comparison remembered, as in production after the first request);
* ``cold``   — the same with the caches turned off: every panel computed afresh.

It prints the median of several runs in milliseconds, the ratio to ``floor`` and the number of
queries of a warm start page.
"""

from __future__ import annotations

import os
import statistics
import sys
import time
from collections.abc import Callable

from bench.scratch import setup_django

RUNS = 15


def _setup() -> None:
    setup_django("start")
    from django.core.management import call_command

    with open(os.devnull, "w") as devnull:
        call_command("loaddemo", quiet_users=True, stdout=devnull)


def _median_ms(call: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def main(argv: list[str]) -> None:
    _setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.test import Client
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from etablera.accounts.models import User
    from etablera.web.demo import DEMO_USERS

    vendor = connection.vendor
    print(f"database: {vendor}; runs: {RUNS}; median ms (ratio to floor)")
    print(f"{'user':<10} {'floor':>8} {'start':>16} {'cold':>16} {'queries':>8}")
    for username, *_rest in DEMO_USERS:
        client = Client()
        user = User.objects.get(username=username)
        client.force_login(user)
        device = TOTPDevice.objects.filter(user=user).first()
        if device is not None:  # the second factor, as after signing in
            session = client.session
            session[DEVICE_ID_SESSION_KEY] = device.persistent_id
            session.save()

        def get(path: str, client=client) -> None:
            response = client.get(path)
            assert response.status_code == 200, (path, response.status_code)

        settings.ETABLERA_KPI_CACHE_SECONDS = 600
        settings.ETABLERA_GOVERNANCE_CACHE_SECONDS = 300
        settings.ETABLERA_KOLADA_CACHE_SECONDS = 300
        cache.clear()
        get("/")  # the first request of the day fills the caches
        floor = _median_ms(lambda get=get: get("/tillganglighet/"))
        warm = _median_ms(lambda get=get: get("/"))
        executed: list[str] = []

        def count(execute, sql, params, many, context, executed=executed):
            executed.append(sql)
            return execute(sql, params, many, context)

        with connection.execute_wrapper(count):
            get("/")
        settings.ETABLERA_KPI_CACHE_SECONDS = 0
        settings.ETABLERA_GOVERNANCE_CACHE_SECONDS = 0
        settings.ETABLERA_KOLADA_CACHE_SECONDS = 0
        cold = _median_ms(lambda get=get: get("/"), runs=5)
        print(
            f"{username:<10} {floor:>8.1f} {warm:>8.1f} ({warm / floor:>4.1f}×) "
            f"{cold:>8.1f} ({cold / floor:>4.1f}×) {len(executed):>8}"
        )


if __name__ == "__main__":
    main(sys.argv[1:])
