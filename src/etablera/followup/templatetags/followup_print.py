"""Template filters for the consolidated report's print document."""

from __future__ import annotations

from urllib.parse import quote

from django import template

register = template.Library()


@register.filter
def svg_data_uri(svg: str) -> str:
    """An inline SVG as a ``data:`` URI, for ``<img src>`` in the PDF.

    As an image the chart is one element of the document instead of hundreds: WeasyPrint
    draws it the same, but does not cascade styles over every shape and label of every chart,
    and the image's ``alt`` becomes the figure's alternative text in the tagged PDF.
    Percent-encoded, not base64, so the SVG stays readable in the document (the PDF cache's
    content key normalises the charts' element ids in it).
    """
    return "data:image/svg+xml," + quote(str(svg), safe="=:;,/.-_()")
