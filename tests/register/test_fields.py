"""The single-value parsers of the import, with generated input."""

from __future__ import annotations

import contextlib
import datetime as dt
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etablera.register.importing import fields
from etablera.register.importing.fields import FieldError

TODAY = dt.date(2026, 6, 1)
days = st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2030, 12, 31))


@given(days)
def test_every_date_format_round_trips(day):
    assert fields.parse_date(day.isoformat(), TODAY) == day
    assert fields.parse_date(day.strftime("%Y%m%d"), TODAY) == day
    assert fields.parse_date(f" {day.isoformat()} ", TODAY) == day
    assert fields.parse_date(f"{day.isoformat()} 00:00:00", TODAY) == day


@given(
    st.dates(min_value=dt.date(TODAY.year - 94, 1, 1), max_value=dt.date(TODAY.year + 5, 12, 31))
)
def test_six_digit_dates_take_the_nearest_plausible_century(day):
    assert fields.parse_date(day.strftime("%y%m%d"), TODAY) == day


@pytest.mark.parametrize(
    "text", ["2024-02-30", "20241301", "240230", "2024/01/01", "1.1.2024", "", "idag", "2024-1-1"]
)
def test_bad_dates_give_a_swedish_message(text):
    with pytest.raises(FieldError) as error:
        fields.parse_date(text, TODAY)
    assert "Datum" in error.value.message


@given(st.text(max_size=20))
def test_parse_date_raises_only_field_errors(text):
    with contextlib.suppress(FieldError):
        fields.parse_date(text, TODAY)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("ja", True),
        ("Nej", False),
        ("x", True),
        ("", False),
        ("1", True),
        ("0", False),
        ("JA ", True),
    ],
)
def test_booleans(text, value):
    assert fields.parse_bool(text) is value


def test_a_bad_boolean_is_an_error():
    with pytest.raises(FieldError):
        fields.parse_bool("kanske")


@given(st.decimals(min_value=0, max_value=80, places=1))
def test_hours_with_comma_or_point(value):
    assert fields.parse_hours(str(value)) == value
    assert fields.parse_hours(str(value).replace(".", ",")) == value


@pytest.mark.parametrize("text", ["-1", "81", "tjugo", "NaN", "Infinity"])
def test_bad_hours(text):
    with pytest.raises(FieldError):
        fields.parse_hours(text)


def test_blank_hours_are_none():
    assert fields.parse_hours(" ") is None
    assert fields.parse_hours("37,5") == Decimal("37.5")


@pytest.mark.parametrize(
    ("text", "code"),
    [("Syrien", "SY"), ("sy", "SY"), ("AFGHANISTAN", "AF"), ("Eritrea", "ER"), ("Okänt", "XX")],
)
def test_countries_by_name_or_code(text, code):
    assert fields.parse_country(text) == code


def test_unknown_country():
    with pytest.raises(FieldError):
        fields.parse_country("Atlantis")


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Kvinna", "K"),
        ("k", "K"),
        ("M", "M"),
        ("man", "M"),
        ("X", "X"),
        ("Annat eller okänt", "X"),
    ],
)
def test_gender(text, value):
    assert fields.parse_gender(text) == value


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("Förgymnasial kortare än 9 år", "primary_short"),
        ("Förgymnasial 9 (10) år", "primary"),
        ("Gymnasial", "upper_secondary"),
        ("eftergymnasial < 3 år", "post_secondary_short"),
        ("Eftergymnasial 3 år eller längre", "post_secondary_long"),
        ("uppgift saknas", "unknown"),
    ],
)
def test_education_levels(text, value):
    assert fields.parse_education(text) == value


def test_choice_defaults_and_errors():
    assert fields.parse_livelihood("", "unknown") == "unknown"
    assert fields.parse_livelihood("Försörjningsstöd") == "income_support"
    with pytest.raises(FieldError) as error:
        fields.parse_livelihood("lotto")
    assert "försörjning" in error.value.message.lower()


def test_headers_with_variants_are_recognised():
    found, unknown = fields.map_header(
        [
            "Personnummer",
            "INSATSKOD",
            "start",
            "Slutdatum ",
            "Status vid avslut",
            "Tim/v",
            "Övrigt",
        ],
        fields.ENROLMENT_COLUMNS,
    )
    assert found == {
        "identity": 0,
        "intervention_code": 1,
        "start": 2,
        "end": 3,
        "exit_status": 4,
        "hours_per_week": 5,
    }
    assert unknown == ["Övrigt"]


def test_two_columns_for_the_same_field_are_refused():
    with pytest.raises(fields.HeaderProblem):
        fields.map_header(["Personnummer", "Pnr"], fields.PARTICIPANT_COLUMNS)
