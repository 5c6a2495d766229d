"""Cell-key perturbation: the perturbation table, the record keys and the settings."""

from __future__ import annotations

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.db.models import F
from django.test import override_settings
from hypothesis import given, settings
from hypothesis import strategies as st

from etablera.register.models import Participant
from etablera.statistics import disclosure
from etablera.statistics.disclosure import (
    KEY_RANGE,
    DisclosureConfigurationError,
    RecordKey,
    Thresholds,
    noise,
    perturb,
    record_key,
    share,
    share_deviation,
)

from .factories import ParticipantFactory


@given(st.integers(0, 10_000), st.integers(0, 10**12), st.sampled_from([1, 2]))
def test_the_noise_is_bounded_and_never_makes_a_count_negative(value, key_sum, limit):
    published = perturb(value, key_sum, limit)
    assert abs(published - value) <= limit
    assert published >= 0
    assert published == perturb(value, key_sum, limit)  # the same cell, the same value


@pytest.mark.parametrize("limit", [1, 2])
@pytest.mark.parametrize("value", [3, 17, 100, 1_000_003])
def test_over_all_cell_keys_the_noise_averages_zero(limit, value):
    draws = [noise(value, key, limit) for key in range(KEY_RANGE)]
    assert sum(draws) == 0
    assert set(draws) == set(range(-limit, limit + 1))
    # No noise is the most common draw; still most cells are moved.
    assert draws.count(0) == max(draws.count(v) for v in set(draws))
    assert draws.count(0) <= KEY_RANGE / 2


def test_an_empty_cell_stays_empty():
    assert all(perturb(0, key, 2) == 0 for key in range(KEY_RANGE))


@settings(deadline=None)  # the machine is shared: a draw may wait for a core
@given(st.integers(1, 400), st.data())
def test_a_shares_stated_deviation_covers_every_true_share(n, data):
    k = data.draw(st.integers(0, n))
    e_n, e_k = data.draw(st.integers(-2, 2)), data.draw(st.integers(-2, 2))
    published_n = max(1, n + e_n)
    published_k = min(max(0, k + e_k), published_n)
    shown = share(published_k, published_n)
    assert abs(shown - 100 * k / n) <= share_deviation(published_k, published_n, 2)


def test_a_record_key_in_sql_is_the_one_in_python(db):
    people = [ParticipantFactory() for _ in range(5)]
    keys = dict(
        Participant.objects.annotate(key=RecordKey(F("pk"), "participant")).values_list("pk", "key")
    )
    assert keys == {p.pk: record_key(p.pk, "participant") for p in people}
    assert len(set(keys.values())) == len(keys)


@given(st.sets(st.integers(1, 2**31 - 2), min_size=2, max_size=50))
def test_different_records_have_different_keys(ids):
    assert len({record_key(i, "enrolment") for i in ids}) == len(ids)


def test_the_keys_depend_on_the_secret():
    with override_settings(ETABLERA_STATISTICS_KEY="one"):
        first = [record_key(i, "participant") for i in range(1, 20)]
    with override_settings(ETABLERA_STATISTICS_KEY="two"):
        second = [record_key(i, "participant") for i in range(1, 20)]
    assert first != second


@pytest.mark.parametrize(
    "values",
    [
        {"noise": 0},  # no noise: perturbation off
        {"noise": 3},  # a total of 100 could deviate by 3 %
        {"count": 2, "noise": 2},  # a published count could be a group of one
        {"count": 0},
        {"share_each": 0},
        {"share_group": 8, "share_each": 5},
        {"median_group": 5},  # a median of 5 people is nearly one person's value
        {"count": "5"},
        {"noise": True},
    ],
)
def test_settings_that_would_weaken_protection_are_refused(values):
    with pytest.raises(DisclosureConfigurationError):
        Thresholds(**values)


@pytest.mark.parametrize(
    "setting",
    [
        {"ETABLERA_NOISE_MAX": 0},
        {"ETABLERA_MEDIAN_MIN_GROUP": 1},
        {"ETABLERA_SUPPRESSION_THRESHOLD": 0},
        {"ETABLERA_STATISTICS_KEY": ""},
    ],
)
def test_the_server_does_not_start_with_protection_off(db, setting):
    with override_settings(**setting), pytest.raises(SystemCheckError, match="ETABLERA_"):
        call_command("check")


def test_the_defaults_pass_the_check(db):
    call_command("check")
    assert disclosure.thresholds() == Thresholds()


@settings(deadline=None)
@given(st.integers(100, 100_000), st.integers(0, 10**12))
def test_a_total_of_100_or_more_deviates_by_at_most_2_percent(value, key_sum):
    from etablera.statistics.protection import publish
    from etablera.statistics.results import Raw

    raw = Raw(active=value, new=value, ended=value, keys=dict.fromkeys(("active", "new"), key_sum))
    cells = publish(raw, {"active_participants", "new_participants"}, Thresholds()).cells
    for kpi in ("active_participants", "new_participants"):
        assert abs(cells[kpi].value - value) <= 0.02 * value


def test_noise_that_would_move_a_total_of_100_more_than_2_percent_is_refused():
    with pytest.raises(DisclosureConfigurationError, match="2 %"):
        Thresholds(noise=3, count=5)
