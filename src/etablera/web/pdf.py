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
from pathlib import Path
from typing import Any, Final

import typst

STANDARD: Final = "ua-1"


@functools.cache
def _source(template: Path) -> bytes:
    return template.read_bytes()


@functools.cache
def _fonts() -> typst.Fonts:
    """The machine's fonts and Typst's own, found once per process."""
    return typst.Fonts()


def render(template: Path, data: dict[str, Any], *, created: datetime.datetime) -> bytes:
    """``template`` typeset with ``data`` as a tagged PDF/UA-1 document made at ``created``."""
    return typst.compile(
        _source(template),
        font_paths=_fonts(),
        sys_inputs={"data": json.dumps(data, ensure_ascii=False)},
        pdf_standards=STANDARD,
        timestamp=int(created.timestamp()),
    )
