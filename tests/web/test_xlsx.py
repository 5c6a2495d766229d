"""Sheet names Excel accepts and a reader still understands."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from etablera.web.xlsx import SHEET_NAME_LENGTH, sheet_title


def test_a_long_title_keeps_its_leading_clause_not_half_a_word():
    assert sheet_title("Resultat vid avslut per kön, 2025H (hela kommunen)", set()) == (
        "Resultat vid avslut per kön"
    )
    assert sheet_title("Andel i arbete eller studier efter avslut", set()) == (
        "Andel i arbete eller studier…"
    )


def test_a_too_long_word_is_cut_rather_than_dropped():
    name = sheet_title("Sammanställd uppföljningsrapport 2025H", set())
    assert name == "Sammanställd uppföljningsrappo…"
    assert len(name) <= SHEET_NAME_LENGTH


def test_the_same_name_twice_is_numbered():
    used: set[str] = set()
    first = sheet_title("Indikatorer", used)
    second = sheet_title("indikatorer", used)
    assert (first, second) == ("Indikatorer", "indikatorer 2")


@given(st.lists(st.text(max_size=80), min_size=1, max_size=8))
def test_every_name_is_accepted_by_excel_and_unique(titles):
    used: set[str] = set()
    names = [sheet_title(t, used) for t in titles]
    assert len({n.lower() for n in names}) == len(names)
    for name in names:
        assert 0 < len(name) <= SHEET_NAME_LENGTH
        assert not set(name) & set("[]:*?/\\")
