"""Property tests for what people type: years, Kolada ids and municipality codes."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etablera.kolada.forms import parse_codes
from etablera.kolada.services import SyncInputError, parse_kpi_ids, parse_years


@given(st.integers(1990, 2100), st.integers(0, 20))
def test_a_range_gives_every_year_in_it(first, span):
    last = min(first + span, 2100)
    assert parse_years(f"{first}-{last}") == list(range(first, last + 1))


@given(st.text(max_size=20))
def test_years_are_parsed_or_refused_cleanly(text):
    try:
        years = parse_years(text)
    except SyncInputError as exc:
        assert str(exc)
        return
    assert years == sorted(set(years)) and all(1990 <= y <= 2100 for y in years)


@given(st.text(max_size=30))
def test_kpi_ids_are_parsed_or_refused_cleanly(text):
    try:
        ids = parse_kpi_ids(text)
    except SyncInputError:
        return
    assert ids and all(i[0].isupper() and i.isalnum() for i in ids)


@given(st.text(alphabet="0123456789, ;\nx", max_size=60))
def test_codes_split_into_four_digit_codes_and_the_rest(text):
    good, bad = parse_codes(text)
    assert all(len(c) == 4 and c.isdigit() for c in good)
    assert all(not (len(c) == 4 and c.isdigit()) for c in bad)
    assert len(good) == len(set(good))


@pytest.mark.parametrize("text", ["n00973", " N00973 , U31004"])
def test_ids_are_upper_cased_and_trimmed(text):
    assert parse_kpi_ids(text)[0] == "N00973"
