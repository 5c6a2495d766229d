"""The access policy's scope on participants, with shared participation, against without it.

``python -m bench participant_scope`` fills a throwaway SQLite database (or ``DATABASE_URL``
if set to a scratch PostgreSQL) with ``PEOPLE`` participants over ``UNITS`` units, shares
``SHARED`` of them with another unit, and times, side by side, what a coach's participant
list reads (the page of 50 and the paginator's count) and one participant's detail check:

* ``owning`` — the scope as before shared participation: the owning unit alone (one join);
* ``shared`` — the scope now: the owning unit or a unit it is shared with (one
  ``pk IN (subquery)`` over the share relation beside the direct join, ``Anchor.units_via``).

It prints the median of several runs in milliseconds and the ratio shared/owning.
"""

from __future__ import annotations

import statistics
import time
from collections.abc import Callable

from bench.scratch import setup_django

RUNS = 15
PEOPLE = 200_000
UNITS = 20
SHARED = 2_000


def _setup() -> None:
    setup_django("scope")


def _median_ms(call: Callable[[], object], runs: int = RUNS) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        call()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def _fill():
    from etablera.accounts.models import RoleAssignment, User
    from etablera.accounts.policy import Operator
    from etablera.accounts.roles import Role
    from etablera.organisation.models import Body, Municipality, Unit
    from etablera.organisation.services import save_unit
    from etablera.register.models import Participant, ParticipantShare

    municipality = Municipality.objects.create(name="Bänkby", code="9999")
    body = Body.objects.create(
        municipality=municipality, kind="committee", name="Nämnden", short_name="N"
    )
    operator = Operator("bench:participant-scope")
    units = [
        save_unit(Unit(body=body, kind="unit", name=f"Enhet {n}"), actor=operator)
        for n in range(UNITS)
    ]
    people = [
        Participant(
            identity_kind="reserve",
            reserve_number=f"B-{n:07d}",
            owning_unit=units[n % UNITS],
            gender="X",
        )
        for n in range(PEOPLE)
    ]
    Participant.objects.bulk_create(people, batch_size=5_000)
    ids = list(Participant.objects.exclude(owning_unit=units[0]).values_list("pk", flat=True))
    ParticipantShare.objects.bulk_create(
        [ParticipantShare(participant_id=pk, unit=units[0]) for pk in ids[:SHARED]]
    )
    coach = User.objects.create(username="benchcoach")
    RoleAssignment.objects.create(user=coach, role=Role.COACH, unit=units[0])
    return coach, Participant.objects.filter(owning_unit=units[0]).first()


def main(argv: list[str]) -> None:
    _setup()
    from django.db import connection

    from etablera.accounts import policy
    from etablera.register import selectors
    from etablera.register.models import Participant

    coach, one = _fill()
    shared = policy.anchor_for(Participant)
    owning = policy.Anchor(units=("owning_unit",))

    def page() -> None:
        queryset = selectors.participants(coach)
        queryset.count()
        list(queryset[:50])

    def detail() -> None:
        policy.can(coach, "register.participant.view", one)

    print(
        f"database: {connection.vendor}; {PEOPLE} participants, {UNITS} units, {SHARED} shared;"
        f" runs: {RUNS}; median ms"
    )
    print(f"{'read':<8} {'owning':>8} {'shared':>8} {'ratio':>6}")
    for name, call in (("list", page), ("detail", detail)):
        figures = {}
        for label, anchor in (("owning", owning), ("shared", shared)):
            policy._registry.anchors[Participant] = anchor
            call()  # warm
            figures[label] = _median_ms(call)
        policy._registry.anchors[Participant] = shared
        ratio = figures["shared"] / figures["owning"]
        print(f"{name:<8} {figures['owning']:>8.1f} {figures['shared']:>8.1f} {ratio:>6.2f}")
