"""Period codes, resolve_period, and the overlap check per kind."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given
from hypothesis import strategies as st

from etablera.followup import services
from etablera.followup.models import Period
from etablera.goals.periods import (
    InvalidPeriod,
    code_for_range,
    earlier_codes,
    parse_standard,
    resolve_period,
)
from tests.followup.factories import PeriodFactory


@pytest.mark.parametrize(
    ("code", "kind", "start", "end"),
    [
        ("2025T1", "tertial", dt.date(2025, 1, 1), dt.date(2025, 4, 30)),
        ("2025T2", "tertial", dt.date(2025, 5, 1), dt.date(2025, 8, 31)),
        ("2025T3", "tertial", dt.date(2025, 9, 1), dt.date(2025, 12, 31)),
        ("2025D", "interim", dt.date(2025, 1, 1), dt.date(2025, 8, 31)),
        ("2025H", "annual", dt.date(2025, 1, 1), dt.date(2025, 12, 31)),
        ("2024t1", "tertial", dt.date(2024, 1, 1), dt.date(2024, 4, 30)),
    ],
)
def test_standard_codes(db, code, kind, start, end):
    standard = parse_standard(code)
    assert (standard.kind, standard.start, standard.end) == (kind, start, end)
    resolved = resolve_period(code)
    assert (resolved.start, resolved.end, resolved.period) == (start, end, None)
    assert code_for_range(start, end) == code.upper()


def test_a_stored_period_wins_with_its_own_dates(db):
    period = PeriodFactory(
        code="2025D",
        kind="interim",
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 7, 31),
        name="Delår 2025 (juli)",
    )
    resolved = resolve_period("2025d")
    assert resolved.period == period
    assert resolved.end == dt.date(2025, 7, 31)
    assert resolved.label == "Delår 2025 (juli)"
    assert resolved.code == "2025D"


def test_year_and_date_range(db):
    year = resolve_period(" 2024 ")
    assert (year.start, year.end, year.period) == (dt.date(2024, 1, 1), dt.date(2024, 12, 31), None)
    span = resolve_period("2025-01-01..2025-06-30")
    assert (span.start, span.end) == (dt.date(2025, 1, 1), dt.date(2025, 6, 30))
    assert span.days == 181
    assert resolve_period("2025-03-01 .. 2025-03-01").days == 1


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("2025-06-30..2025-01-01", "omvänt"),
        ("2025-02-30..2025-03-01", "inget giltigt datum"),
        ("2025Q1", "Okänd period"),
        ("", "Ange en period"),
        ("hej", "Okänd period"),
    ],
)
def test_bad_period_texts_get_a_swedish_message(db, text, message):
    with pytest.raises(InvalidPeriod) as exc:
        resolve_period(text)
    assert message in exc.value.messages[0]
    # Usable as a ValueError by tools that do not know Django.
    assert isinstance(exc.value, ValueError)
    assert isinstance(exc.value, ValidationError)


@given(
    st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)),
    st.integers(min_value=0, max_value=800),
)
def test_any_ordered_range_resolves_to_itself(start, days):
    end = start + dt.timedelta(days=days)
    resolved = resolve_period(f"{start:%Y-%m-%d}..{end:%Y-%m-%d}")
    assert (resolved.start, resolved.end) == (start, end)


def test_earlier_codes():
    assert earlier_codes("2026T1", 3) == ["2025T1", "2025T2", "2025T3"]
    assert earlier_codes("2026H", 2) == ["2024H", "2025H"]
    assert earlier_codes("2026-EXTRA", 2) == []


def test_a_period_overlapping_another_of_the_same_kind_is_refused(db):
    services.save_period(
        Period(
            code="2025H",
            name="Helår 2025",
            kind="annual",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 12, 31),
            deadline=dt.date(2026, 2, 15),
        ),
        actor=None,
    )
    clash = Period(
        code="2025-EXTRA",
        name="Extra",
        kind="annual",
        start=dt.date(2025, 6, 1),
        end=dt.date(2026, 5, 31),
        deadline=dt.date(2026, 6, 15),
    )
    with pytest.raises(ValidationError) as exc:
        services.save_period(clash, actor=None)
    assert "överlappar 2025H" in str(exc.value)
    assert Period.objects.count() == 1
    # Another kind may overlap: the interim report lies inside the annual one by design.
    services.save_period(
        Period(
            code="2025D",
            name="Delår 2025",
            kind="interim",
            start=dt.date(2025, 1, 1),
            end=dt.date(2025, 8, 31),
            deadline=dt.date(2025, 9, 20),
        ),
        actor=None,
    )
    assert Period.objects.count() == 2


@pytest.mark.parametrize(
    ("code", "kind", "message"),
    [
        ("2025T1", "annual", "typen tertial"),
        ("2025H", "other", "typen helår"),
        ("EXTRA", "other", "Okänd periodkod"),
        ("2025X", "annual", "skrivs som"),
    ],
)
def test_a_code_must_fit_the_kind(db, code, kind, message):
    period = Period(
        code=code,
        name="X",
        kind=kind,
        start=dt.date(2025, 1, 1),
        end=dt.date(2025, 12, 31),
        deadline=dt.date(2026, 1, 31),
    )
    with pytest.raises(ValidationError) as exc:
        services.save_period(period, actor=None)
    assert message in str(exc.value)
    assert not Period.objects.exists()


def test_dates_and_deadline_are_checked(db):
    with pytest.raises(ValidationError) as exc:
        services.save_period(
            Period(
                code="2025H",
                name="Helår",
                kind="annual",
                start=dt.date(2025, 12, 31),
                end=dt.date(2025, 1, 1),
                deadline=dt.date(2024, 1, 1),
            ),
            actor=None,
        )
    assert "slutdatum" in str(exc.value)
    assert "Sista dag" in str(exc.value)


def test_an_opened_period_keeps_its_dates(db):
    period = PeriodFactory(code="2024H")
    services.open_period(period, actor=None)
    period.refresh_from_db()
    period.end = dt.date(2024, 11, 30)
    with pytest.raises(ValidationError, match="redan öppnad"):
        services.save_period(period, actor=None)
