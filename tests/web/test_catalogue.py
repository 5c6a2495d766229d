"""The English catalogue is complete: every message has a translation, none is a guess.

``make messages`` brings new texts into ``locale/en/LC_MESSAGES/django.po``; ``makemessages``
marks a text whose translation it guessed from a similar one as fuzzy, and gettext ignores
fuzzy entries, so an English reader would see Swedish there.
"""

from __future__ import annotations

import re
from pathlib import Path

import etablera

CATALOGUE = Path(etablera.__file__).parent / "locale" / "en" / "LC_MESSAGES" / "django.po"


def entries() -> list[str]:
    text = CATALOGUE.read_text(encoding="utf-8")
    # The first entry is the header (empty msgid).
    return [e for e in text.split("\n\n")[1:] if "msgid " in e]


def test_no_entry_is_fuzzy():
    fuzzy = [e for e in entries() if "#, fuzzy" in e]
    assert not fuzzy, fuzzy[:3]


def test_every_entry_is_translated():
    # msgstr "" followed by no continuation line (or an empty plural form).
    blank = re.compile(r'^msgstr(\[\d\])? ""\n(?!")', re.MULTILINE)
    empty = [entry for entry in entries() if blank.search(entry + "\n")]
    assert not empty, empty[:3]
