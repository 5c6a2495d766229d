"""Reading rendered forms in tests."""

from __future__ import annotations

import re


def field_error(html: str, field: str) -> str:
    """The error text shown next to ``field`` in a form rendered by includes/form.html."""
    match = re.search(rf'<div class="errors" id="id_{field}_errors?">(.*?)</div>', html, re.S)
    return re.sub(r"<[^>]+>", " ", match.group(1)) if match else ""
