"""PDF documents typeset by Typst from a template and plain data (ADR 5).

A document is a Typst template kept with the app's templates and a dict of data made in
Python, with every text already translated. The data reaches the template as JSON in
``sys.inputs.data``; the template reads it with ``json(bytes(sys.inputs.data))`` and only lays
it out. Text from the data is set as text and never read as Typst markup, so nothing a user
writes can change the document. Every PDF is tagged and checked as PDF/UA-1 while it is
written; Typst fetches nothing (no packages are used) and falls back to its own fonts where
the machine has no DejaVu Sans.
"""

from __future__ import annotations

import datetime
import functools
import json
import logging
import re
from pathlib import Path
from typing import Any, Final

import typst

logger = logging.getLogger(__name__)

STANDARD: Final = "ua-1"

#: Control characters other than line feed: they have no glyph, and PDF/UA-1 refuses text
#: that cannot be shown.
_CONTROL = re.compile(r"[\x00-\x09\x0b-\x1f\x7f-\x9f]")


def text(value: Any) -> str:
    """A text for a document: line ends as line feeds, a tab as a space, other control
    characters left out."""
    value = str(value).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return _CONTROL.sub("", value)


@functools.cache
def _source(template: Path) -> bytes:
    return template.read_bytes()


@functools.cache
def _fonts() -> typst.Fonts:
    """The machine's fonts and Typst's own, found once per process."""
    return typst.Fonts()


def render(template: Path, data: dict[str, Any], *, created: datetime.datetime) -> bytes:
    """``template`` typeset with ``data`` as a tagged PDF/UA-1 document made at ``created``.

    PDF/UA-1 refuses a document with text that no installed font can show, and a report may
    quote a script the machine has no font for (Tigrinya, Chinese …). The download must not
    fail for that: the document is then written again, still tagged, but not declared
    PDF/UA-1 (the missing characters show as empty boxes), and a warning is logged so that
    the operator can install the fonts.
    """
    options: dict[str, Any] = {
        "font_paths": _fonts(),
        "sys_inputs": {"data": json.dumps(data, ensure_ascii=False)},
        "timestamp": int(created.timestamp()),
    }
    source = _source(template)
    try:
        return typst.compile(source, pdf_standards=STANDARD, **options)
    except typst.TypstError as error:
        if "PDF/UA-1" not in str(error):
            raise
        logger.warning("%s: written without the PDF/UA-1 declaration: %s", template.name, error)
        return typst.compile(source, pdf_tags=True, **options)
