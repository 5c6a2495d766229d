"""An intervention's current participants, on its list and its page: protected like every KPI.

The counts are live, so an attacker can read the list every day and difference it; exact counts
would tell the day one person joined. Here the attacker plays that route with integer
programming (``test_attacks.Attacker``) against hypothesis-generated joins and leaves.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import transaction
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from etablera.accounts.policy import Operator
from etablera.accounts.roles import Role
from etablera.register import selectors as register_selectors
from etablera.statistics import counts, disclosure
from tests.register.factories import status

from .factories import EnrolmentFactory, InterventionFactory
from .test_attacks import LIMITS, Attacker, examples

TODAY = dt.date(2026, 3, 2)


def shown_on(day: dt.date, user) -> dict[int, int | None]:
    """What the intervention list shows ``user`` on ``day`` (None: hidden)."""
    found = list(register_selectors.interventions(user))
    counts.protect(user, found, day)
    return {
        i.pk: None if i.participants_now.suppressed else i.participants_now.value for i in found
    }


def test_the_list_and_the_page_show_protected_counts(client, make_user, db):
    small, large = InterventionFactory(name="Liten"), InterventionFactory(name="Stor")
    EnrolmentFactory.create_batch(2, intervention=small, start=dt.date(2024, 1, 1))
    EnrolmentFactory.create_batch(30, intervention=large, start=dt.date(2024, 1, 1))
    client.force_login(make_user(Role.READER))
    page = client.get(reverse("register:intervention-list"))
    rows = {i.name: i.participants_now for i in page.context["page"]}
    assert rows["Liten"].suppressed and str(rows["Liten"]) == disclosure.SUPPRESSED_SYMBOL
    assert abs(rows["Stor"].value - 30) <= LIMITS.noise
    assert "kan avvika med upp till ±2" in page.content.decode()
    detail = client.get(reverse("register:intervention-detail", args=[small.pk]))
    assert detail.context["intervention"].participants_now.suppressed
    assert "(dold uppgift)" in detail.content.decode()
    # An empty intervention looks exactly like a small one.
    empty = InterventionFactory(name="Tom")
    detail = client.get(reverse("register:intervention-detail", args=[empty.pk]))
    assert str(detail.context["intervention"].participants_now) == disclosure.SUPPRESSED_SYMBOL


def test_only_whoever_sees_every_participant_gets_exact_counts(db, make_user):
    intervention = InterventionFactory()
    EnrolmentFactory.create_batch(3, intervention=intervention, start=dt.date(2024, 1, 1))
    assert shown_on(TODAY, Operator("test"))[intervention.pk] == 3
    assert counts.note(Operator("test")).startswith("Antalen är exakta")
    for role in (Role.READER, Role.STRATEGIST, Role.AUDITOR):
        assert shown_on(TODAY, make_user(role))[intervention.pk] is None


def test_the_same_enrolments_always_give_the_same_count(db, make_user):
    intervention = InterventionFactory()
    EnrolmentFactory.create_batch(12, intervention=intervention, start=dt.date(2024, 1, 1))
    reader = make_user(Role.READER)
    seen = {shown_on(TODAY + dt.timedelta(days=n), reader)[intervention.pk] for n in range(5)}
    assert len(seen) == 1  # asking again, any day, gives nothing new


#: Each day: how many join the intervention and how many of those present leave.
days = st.lists(st.tuples(st.integers(0, 2), st.integers(0, 1)), min_size=3, max_size=10)


@pytest.mark.slow
@examples
@given(st.integers(3, 12), days)
def test_differencing_the_list_day_by_day_tells_nobody_who_joined(db, make_user, first, moves):
    """Read the list every day while people join and leave: every day's true count, and every
    day's change (who joined), stays open to two values or more."""
    reader = make_user(Role.READER)
    # The timeline first: when each enrolment starts and ends.
    timeline: list[list] = [[dt.date(2025, 1, 1), None] for _n in range(first)]
    present = list(range(first))
    truth = []
    for offset, (joins, leaves) in enumerate(moves):
        day = TODAY + dt.timedelta(days=offset)
        for index in present[:leaves]:
            timeline[index][1] = day - dt.timedelta(days=1)
        present = present[leaves:] + list(range(len(timeline), len(timeline) + joins))
        timeline += [[day, None] for _n in range(joins)]
        truth.append(len(present))
    with transaction.atomic():
        intervention = InterventionFactory()
        for start, end in timeline:
            EnrolmentFactory(
                intervention=intervention, start=start, end=end, exit="work" if end else None
            )
        published = [
            shown_on(TODAY + dt.timedelta(days=offset), reader)[intervention.pk]
            for offset in range(len(moves))
        ]
        transaction.set_rollback(True)
    attacker = Attacker(list(range(len(truth))))
    for day, value in enumerate(published):
        attacker.publish([day], value)
    for day, true in enumerate(truth):
        low, high = attacker.bounds([day])
        assert low <= true <= high
        assert high - low >= 1, f"day {day} pinned to {true}"
    # The change from one day to the next (who joined or left) is never pinned either.
    for day in range(1, len(truth)):
        low, high = _difference_bounds(attacker, day)
        assert high - low >= 1, f"the change on day {day} pinned"


def _difference_bounds(attacker: Attacker, day: int) -> tuple[float, float]:
    """The least and most ``count(day) − count(day − 1)`` can be."""
    import numpy as np
    from scipy.optimize import LinearConstraint, milp

    objective = attacker.vector([day]) - attacker.vector([day - 1])
    constraint = LinearConstraint(np.array(attacker.rows), attacker.lower, attacker.upper)
    found = []
    for sign in (1, -1):
        result = milp(
            sign * objective,
            constraints=constraint,
            integrality=np.ones(len(attacker.atoms)),
            bounds=(0, np.inf),
        )
        assert result.success
        found.append(sign * result.fun)
    return found[0], found[1]


def test_exact_counts_would_be_differenced(db):
    """What the test above guards against: exact counts give every day's change away."""
    attacker = Attacker([0, 1], noise=0)
    attacker.publish([0], 7)
    attacker.publish([1], 8)
    assert _difference_bounds(attacker, 1) == (1, 1)


def test_the_counts_are_of_who_is_in_an_intervention_today(db):
    today = dt.date.today()
    one, two = InterventionFactory.create_batch(2)
    work = status("work")
    opened = EnrolmentFactory(intervention=one, start=today - dt.timedelta(days=9))
    ends = EnrolmentFactory(intervention=one, start=today, end=today, exit_status=work)
    EnrolmentFactory(  # ended yesterday
        intervention=one,
        start=today - dt.timedelta(days=9),
        end=today - dt.timedelta(days=1),
        exit_status=work,
    )
    EnrolmentFactory(intervention=one, start=today + dt.timedelta(days=3))  # not begun
    other = EnrolmentFactory(intervention=two, start=today - dt.timedelta(days=1))
    key = disclosure.record_key
    assert counts.active([one.pk, two.pk], today) == {
        one.pk: (2, key(opened.pk, "enrolment") + key(ends.pk, "enrolment")),
        two.pk: (1, key(other.pk, "enrolment")),
    }
    assert counts.active([two.pk], today) == {two.pk: (1, key(other.pk, "enrolment"))}
