"""Validators for what users put into a version: Markdown without script, and real PDFs.

Rendering sanitises every text anyway (see ``rendering``); these validators refuse script at
the door, so a user learns at once that it will not be kept, instead of finding it silently
removed from the published document.
"""

from __future__ import annotations

import html
import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

PDF_MAGIC = b"%PDF-"

# Tags that run or load script or active content (or can smuggle it in, as SVG and MathML can).
_ACTIVE_TAG = re.compile(
    r"<\s*/?\s*(script|iframe|frame|frameset|object|embed|applet|meta|base|link|style|svg|math"
    r"|form|template)\b",
    re.IGNORECASE,
)
# An event-handler attribute inside a tag: <img src=x onerror=…>, <a onclick="…">.
_EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*?[\s/\"'](on[a-z]+)\s*=", re.IGNORECASE | re.DOTALL)
# Browsers ignore control characters and white space inside a URL scheme ("java\tscript:").
_IGNORED_IN_SCHEME = re.compile(r"[\x00-\x20\x7f]+")
_SCRIPT_URL = re.compile(r"(javascript|vbscript|livescript|data:text/html)[:;,]", re.IGNORECASE)


def _unescaped(text: str) -> str:
    """The text with HTML character references resolved (twice, for double escaping)."""
    return html.unescape(html.unescape(text))


def find_script(text: str) -> str | None:
    """What in ``text`` would run script if it were rendered as HTML, or None."""
    plain = _unescaped(text)
    if match := _ACTIVE_TAG.search(plain):
        return f"<{match.group(1).lower()}>"
    if match := _EVENT_ATTRIBUTE.search(plain):
        return match.group(1).lower()
    if match := _SCRIPT_URL.search(_IGNORED_IN_SCHEME.sub("", plain)):
        found = match.group(1).lower()
        return found if found.startswith("data") else f"{found}:"
    return None


def validate_markdown(text: str) -> None:
    """Refuse Markdown that contains script, event handlers or script URLs."""
    found = find_script(text or "")
    if found:
        raise ValidationError(
            _(
                "Texten innehåller skript eller kod som kan köra skript (%(found)s) och kan "
                "inte sparas. Skriv texten med Markdown, utan HTML-kod och utan "
                "javascript:-länkar."
            ),
            code="script",
            params={"found": found},
        )


def max_upload_bytes() -> int:
    return int(getattr(settings, "ETABLERA_MAX_UPLOAD_MB", 50)) * 1024 * 1024


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}".replace(".", ",")


def validate_pdf(value) -> None:
    """Refuse a file that is too large or is not a PDF (by its first bytes, not its name)."""
    if isinstance(value, FieldFile):
        if getattr(value, "_committed", True):
            return  # already stored: it was checked when it was uploaded
        value = value.file
    size = value.size or 0
    limit = max_upload_bytes()
    if size > limit:
        raise ValidationError(
            _("Filen är för stor (%(size)s MB). Den får vara högst %(limit)s MB."),
            code="file_too_large",
            params={"size": _megabytes(size), "limit": limit // (1024 * 1024)},
        )
    if size == 0:
        raise ValidationError(_("Filen är tom."), code="empty_file")
    value.seek(0)
    head = value.read(len(PDF_MAGIC))
    value.seek(0)
    if head != PDF_MAGIC:
        raise ValidationError(
            _(
                "Filen %(name)s är inte en PDF-fil. Spara dokumentet som PDF och ladda upp "
                "det igen."
            ),
            code="not_pdf",
            params={"name": getattr(value, "name", "") or ""},
        )
