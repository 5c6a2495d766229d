"""Identity numbers: every accepted form, Luhn, coordination numbers, unknown month/day,
invalid dates, serial 000, and masking. Generated input (hypothesis) for the round trips."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from etablera.register import identity
from etablera.register.synthetic import is_synthetic, luhn, number_for, synthetic_number

TODAY = dt.date.today()

births = st.dates(min_value=dt.date(TODAY.year - 125, 1, 1), max_value=TODAY)
serials = st.integers(min_value=1, max_value=999)


def twelve(
    birth: dt.date,
    serial: int,
    *,
    day_offset: int = 0,
    month: str | None = None,
    day: str | None = None,
) -> str:
    mm = month if month is not None else f"{birth.month:02d}"
    dd = day if day is not None else f"{birth.day + day_offset:02d}"
    body = f"{birth:%y}{mm}{dd}{serial:03d}"
    return f"{birth.year}{mm}{dd}{serial:03d}{luhn(body)}"


def short_form(canonical: str, birth_year: int) -> str:
    sep = "+" if TODAY.year - birth_year >= 100 else "-"
    return f"{canonical[2:8]}{sep}{canonical[8:]}"


@given(births, serials)
def test_every_accepted_form_gives_the_same_canonical_number(birth, serial):
    canonical = twelve(birth, serial)
    forms = [
        canonical,
        f"{canonical[:8]}-{canonical[8:]}",
        short_form(canonical, birth.year),
        short_form(canonical, birth.year).replace("-", ""),
        f" {canonical[:8]} {canonical[8:]} ",
    ]
    if TODAY.year - birth.year >= 100:
        forms.remove(short_form(canonical, birth.year).replace("-", ""))
    for form in forms:
        parsed = identity.parse(form)
        assert parsed.canonical == canonical
        assert parsed.kind == identity.PERSONNUMMER
        assert parsed.birth_date == birth
        assert parsed.birth_year == birth.year
        assert parsed.gender == ("M" if serial % 2 else "K")
    assert identity.parse(canonical).short() == short_form(canonical, birth.year)


@given(births, serials, st.integers(min_value=1, max_value=9))
def test_any_wrong_check_digit_is_refused(birth, serial, shift):
    canonical = twelve(birth, serial)
    wrong = canonical[:-1] + str((int(canonical[-1]) + shift) % 10)
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(wrong)
    assert error.value.code == "checksum"
    assert wrong not in str(error.value.message)


@given(births)
def test_serial_000_is_refused(birth):
    body = f"{birth:%y%m%d}000"
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(f"{birth:%Y%m%d}000{luhn(body)}")
    assert error.value.code == "serial"


@given(births, serials)
def test_coordination_numbers_have_day_plus_60(birth, serial):
    canonical = twelve(birth, serial, day_offset=60)
    parsed = identity.parse(canonical)
    assert parsed.kind == identity.SAMORDNINGSNUMMER
    assert parsed.is_coordination_number
    assert parsed.birth_date == birth
    assert parsed.canonical == canonical


@given(births, serials)
def test_coordination_number_with_unknown_month_and_day(birth, serial):
    canonical = twelve(birth, serial, month="00", day="60")
    parsed = identity.parse(canonical)
    assert parsed.kind == identity.SAMORDNINGSNUMMER
    assert parsed.birth_month is None and parsed.birth_day is None
    assert parsed.birth_date is None
    assert parsed.birth_year == birth.year
    assert parsed.masked == f"{birth.year}0060-****"


@given(births, serials)
def test_coordination_number_with_unknown_day_only(birth, serial):
    canonical = twelve(birth, serial, day="60")
    parsed = identity.parse(canonical)
    assert parsed.kind == identity.SAMORDNINGSNUMMER
    assert parsed.birth_month == birth.month
    assert parsed.birth_day is None


@given(births, serials)
def test_month_00_with_a_known_day_is_a_coordination_number(birth, serial):
    """Skatteverket writes an unknown month as 00 and keeps a known day (+ 60): 0061-0091."""
    canonical = twelve(birth, serial, month="00", day=f"{birth.day + 60:02d}")
    parsed = identity.parse(canonical)
    assert parsed.kind == identity.SAMORDNINGSNUMMER
    assert parsed.canonical == canonical
    assert parsed.birth_year == birth.year
    assert parsed.birth_month is None and parsed.birth_day == birth.day
    assert parsed.birth_date is None
    assert parsed.masked == f"{canonical[:8]}-****"
    assert parsed.gender == ("M" if serial % 2 else "K")


@given(births, serials)
def test_month_00_with_a_personnummer_day_is_refused(birth, serial):
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(twelve(birth, serial, month="00", day=f"{birth.day:02d}"))
    assert error.value.code == "date"


@given(births, serials, st.integers(min_value=92, max_value=99))
def test_month_00_with_a_day_beyond_91_is_refused(birth, serial, day):
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(twelve(birth, serial, month="00", day=f"{day:02d}"))
    assert error.value.code == "date"


@given(births, serials, st.integers(min_value=61, max_value=91))
def test_month_00_and_a_known_day_still_needs_its_check_digit(birth, serial, day):
    canonical = twelve(birth, serial, month="00", day=f"{day:02d}")
    wrong = canonical[:-1] + str((int(canonical[-1]) + 1) % 10)
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(wrong)
    assert error.value.code == "checksum"


@given(
    st.integers(min_value=1950, max_value=TODAY.year - 1),
    serials,
    st.sampled_from([(2, 30), (2, 31), (4, 31), (6, 31), (9, 31), (11, 31), (13, 1), (1, 32)]),
)
def test_dates_that_do_not_exist_are_refused(year, serial, month_day):
    month, day = month_day
    body = f"{year % 100:02d}{month:02d}{day:02d}{serial:03d}"
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(f"{year}{month:02d}{day:02d}{serial:03d}{luhn(body)}")
    assert error.value.code == "date"


def test_february_29_only_in_leap_years():
    assert identity.parse(number_for(dt.date(2000, 2, 29), 123)).birth_date == dt.date(2000, 2, 29)
    body = "010229123"
    with pytest.raises(identity.InvalidIdentityNumber):
        identity.parse(f"20010229123{luhn(body)}")


def test_plus_separator_means_a_hundred_years_or_more():
    assert identity.parse("121212+1212").canonical == "191212121212"
    assert identity.parse("121212-1212").canonical == "201212121212"
    assert identity.parse("191212121212").short() == "121212+1212"


def test_the_reference_vectors_of_the_personnummer_package():
    for valid in [
        "640883-3231",
        "19900101-0017",
        "196408233234",
        "000101-0107",
        "510818-9167",
        "19130401+2931",
    ]:
        assert identity.is_valid(valid), valid
    for invalid in ["19900101-0018", "640893-3231", "19900101", "abcdefghij", "", None]:
        assert not identity.is_valid(invalid), invalid


@given(st.text(max_size=30))
def test_parse_never_raises_anything_but_its_own_error(text):
    try:
        identity.parse(text)
    except identity.InvalidIdentityNumber as exc:
        assert exc.code in {"required", "format", "serial", "date", "checksum", "future", "year"}


def test_future_birth_dates_are_refused():
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.parse(number_for(dt.date(TODAY.year + 1, 6, 1), 123))
    assert error.value.code == "future"


@given(st.text(max_size=40))
def test_mask_never_shows_the_last_four(text):
    masked = identity.mask(text)
    digits = "".join(c for c in text if c.isdigit())
    if len(digits) >= 10:
        assert digits[-4:] not in masked.replace(digits[:8], "")
        assert masked.endswith("-****")


def test_mask_keeps_the_birth_date():
    assert identity.mask("19900101-0017") == "19900101-****"
    assert identity.mask("900101-0017") == "900101-****"
    assert identity.mask("") == ""


@pytest.mark.parametrize("text", ["R2025-00001", "res-17", "LOKAL/2024/9"])
def test_reserve_numbers_are_normalised(text):
    assert identity.normalise_reserve_number(text) == text.upper().replace(" ", "")


@pytest.mark.parametrize("text", ["19900101-0017", "9001010017", "199001010018"])
def test_a_reserve_number_that_looks_like_an_identity_number_is_refused(text):
    with pytest.raises(identity.InvalidIdentityNumber) as error:
        identity.normalise_reserve_number(text)
    assert error.value.code == "looks_like_identity"


@pytest.mark.parametrize("text", ["", "a", "ÅÄÖ!?", "x" * 41])
def test_bad_reserve_numbers_are_refused(text):
    with pytest.raises(identity.InvalidIdentityNumber):
        identity.normalise_reserve_number(text)


@given(st.integers(min_value=0, max_value=300_000))
def test_synthetic_numbers_are_valid_and_recognisable(index):
    number = synthetic_number(index)
    assert identity.parse(number).canonical == number
    assert is_synthetic(number)


def test_synthetic_numbers_are_distinct():
    numbers = {synthetic_number(i) for i in range(50_000)}
    assert len(numbers) == 50_000


@given(st.integers(min_value=0, max_value=300_000), st.text(max_size=10), st.text(max_size=10))
def test_redact_masks_numbers_anywhere_in_a_value(index, before, after):
    number = synthetic_number(index)
    for form in (number, f"{number[:8]}-{number[8:]}", f"{number[2:8]}-{number[8:]}"):
        text = identity.redact(f"x{before} {form} {after}x")
        # The birth date stays visible (masked form 19900101-****); the last four never do.
        outside_date = (
            text.replace(before, "")
            .replace(after, "")
            .replace(number[:8], "")
            .replace(number[2:8], "")
        )
        assert number[8:] not in outside_date
