"""Markdown to safe HTML: markdown-it-py renders, nh3 sanitises.

Raw HTML in the Markdown is never passed through (markdown-it escapes it), and the sanitiser
keeps only the tags and attributes Markdown produces, with links limited to http, https and
mailto. Headings are moved one level down, so a document's "# Rubrik" becomes an h2 under the
page's own h1 and the page keeps one h1 and an unbroken heading order.
"""

from __future__ import annotations

import nh3
from django.utils.safestring import SafeString, mark_safe
from markdown_it import MarkdownIt

ALLOWED_TAGS = {
    "p", "br", "hr", "h2", "h3", "h4", "h5", "h6", "strong", "em", "del", "code", "pre",
    "blockquote", "ul", "ol", "li", "a", "table", "thead", "tbody", "tr", "th", "td",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {"a": {"href", "title"}, "ol": {"start"}, "th": {"style"}, "td": {"style"}}
URL_SCHEMES = {"http", "https", "mailto"}


def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.enable(["table", "strikethrough"])
    return md


_MD = _parser()


def render_markdown(text: str) -> SafeString:
    """The Markdown ``text`` as sanitised HTML, safe to put in a page."""
    tokens = _MD.parse(text or "")
    for token in tokens:
        if token.type in {"heading_open", "heading_close"}:
            token.tag = f"h{min(int(token.tag[1]) + 1, 6)}"
    rendered = _MD.renderer.render(tokens, _MD.options, {})
    cleaned = nh3.clean(
        rendered,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        url_schemes=URL_SCHEMES,
        link_rel="noopener noreferrer",
        filter_style_properties={"text-align"},
        set_tag_attribute_values={"th": {"scope": "col"}},
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitised by nh3 just above
