"""The responsibility matrix against two baselines, at 300 and 3 000 mandates.

``python -m bench mandates_matrix`` (or ``python -m bench.bench_mandates_matrix [sizes…]``)
builds 30 bodies (one unit each), 15 policy areas and N mandates in a throwaway SQLite
database (or in ``DATABASE_URL`` if set to a scratch PostgreSQL), then times, side by side:

* ``fetch``  — reading the N mandates with their relations (the floor: one query, no work);
* ``matrix`` — ``selectors.matrix``: the same read plus placing each mandate in its cells;
* ``naive``  — one query per cell (15 × 30), the obvious way to fill such a table;
* ``page``   — the whole matrix page through Django's test client (query + template);
* ``pdf``    — the matrix's PDF download (query + typesetting by Typst).

It prints the median of several runs and the ratios to ``fetch``, and the query counts.
"""

from __future__ import annotations

import statistics
import sys
import time
from collections.abc import Callable

from bench.scratch import setup_django

BODIES, AREAS = 30, 15


def _setup() -> None:
    setup_django("mandates")


def _data(mandates: int):
    from etablera.accounts.models import RoleAssignment, User
    from etablera.accounts.policy import Operator
    from etablera.mandates.models import Mandate, PolicyArea
    from etablera.organisation.models import Body, BodyKind, Municipality, Unit
    from etablera.organisation.services import save_unit

    operator = Operator("bench:mandates-matrix")

    Mandate.objects.all().delete()
    municipality, _ = Municipality.objects.get_or_create(
        code="1487", defaults={"name": "Benchkommunen"}
    )
    bodies = list(Body.objects.filter(municipality=municipality).order_by("pk"))
    if not bodies:
        for i in range(BODIES):
            Body.objects.create(
                municipality=municipality,
                kind=BodyKind.COMMITTEE,
                name=f"Nämnd {i:02}",
                short_name=f"N{i:02}",
            )
        bodies = list(Body.objects.filter(municipality=municipality).order_by("pk"))
        for body in bodies:
            save_unit(Unit(body=body, kind="unit", name=f"Enhet {body.short_name}"), actor=operator)
        for i in range(AREAS):
            PolicyArea.objects.create(name=f"Område {i:02}", code=f"omrade-{i:02}", order=i)
    units = list(Unit.objects.order_by("body_id"))
    areas = list(PolicyArea.objects.order_by("order"))
    rows = []
    for i in range(mandates):
        owner = bodies[i % BODIES]
        by_unit = i % 3 == 0
        rows.append(
            Mandate(
                title=f"Uppdrag {i:05}",
                policy_area=areas[i % AREAS],
                owner=owner,
                performer_unit=units[(i * 7) % BODIES] if by_unit else None,
                performer_body=None if by_unit else owner,
                level="strategic" if i % 4 == 0 else "operational",
                origin="ordinary",
                follow_up_body=bodies[(i + 1) % BODIES] if i % 10 else None,
            )
        )
    Mandate.objects.bulk_create(rows, batch_size=500)
    user, created = User.objects.get_or_create(username="bench-reader")
    if created:
        RoleAssignment.objects.create(user=user, role="reader")
    return user


def _median(fn: Callable[[], object], runs: int) -> float:
    fn()  # warm caches and connections
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


def _queries(fn: Callable[[], object]) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as captured:
        fn()
    return len(captured.captured_queries)


def run(sizes: list[int], runs: int = 5) -> None:
    from django.test import Client

    from etablera.accounts import policy
    from etablera.mandates import selectors
    from etablera.mandates.models import Mandate, PolicyArea
    from etablera.organisation.models import Body

    print(f"{'mandates':>8} {'step':<7} {'median ms':>10} {'× fetch':>8} {'queries':>8}")
    for size in sizes:
        user = _data(size)
        client = Client()
        client.force_login(user)

        def fetch(user=user):
            return list(selectors.mandate_queryset())

        def matrix(user=user):
            return selectors.matrix(user, status="")

        def naive(user=user):
            areas = list(PolicyArea.objects.all())
            bodies = list(Body.objects.all())
            qs = policy.scope(user, "mandates.view", selectors.mandate_queryset())
            return [[list(qs.filter(policy_area=a, owner=b)) for b in bodies] for a in areas]

        def page(client=client):
            response = client.get("/uppdrag/ansvarsmatris/?status=")
            assert response.status_code == 200
            return response

        def pdf(client=client):
            response = client.get("/uppdrag/ansvarsmatris/ansvarsmatris.pdf?status=")
            assert response.status_code == 200 and response.content.startswith(b"%PDF")
            return response

        steps = (("fetch", fetch), ("matrix", matrix), ("naive", naive), ("page", page))
        base = None
        for name, fn in (*steps, ("pdf", pdf)):
            median = _median(fn, runs)
            base = base or median
            queries = _queries(fn)
            print(f"{size:>8} {name:<7} {median * 1000:>10.1f} {median / base:>8.1f} {queries:>8}")
        assert Mandate.objects.count() == size


def main(argv: list[str]) -> None:
    sizes = [int(a) for a in argv] or [300, 3000]
    _setup()
    run(sizes)


if __name__ == "__main__":
    main(sys.argv[1:])
