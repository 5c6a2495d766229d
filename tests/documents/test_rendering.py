"""Markdown is rendered to sanitised HTML, and text with script is refused at the door."""

from __future__ import annotations

import re

import pytest
from django.core.exceptions import ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from etablera.documents.rendering import render_markdown
from etablera.documents.validation import find_script, validate_markdown

HOSTILE = [
    "<script>alert(1)</script>",
    "<SCRIPT SRC=//evil.example/x.js></SCRIPT>",
    "Text <img src=x onerror=alert(1)> mer text",
    '<a href="#" onclick="steal()">klicka</a>',
    "<svg/onload=alert(1)>",
    "<iframe src=https://evil.example></iframe>",
    "[klicka](javascript:alert(1))",
    "[klicka](JaVaScRiPt:alert(1))",
    "[klicka](java\tscript:alert(1))",
    "[klicka](&#106;avascript:alert(1))",
    "[klicka](&#x6A;&#x61;vascript&colon;alert(1))",
    "<javascript:alert(1)>",
    "[x](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    '<div style="x" onmouseover = "alert(1)">hover</div>',
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<object data=x.swf></object>",
]

HARMLESS = [
    "# Plattform\n\nEn **tydlig** text med en [länk](https://www.vanersborg.se/).",
    "Uppföljningen sker tertialvis (se avsnitt 3).",
    "Uttrycket x < 3 och y > 2 är matematik, inte HTML.",
    "E-post: [integration@vanersborg.se](mailto:integration@vanersborg.se)",
    "Ordet *online* och ett tecken = är inga händelsehanterare.",
    "| Aktör | Ansvar |\n|---|---|\n| KS | Samordning |",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_text_with_script_is_refused_with_a_swedish_message(text):
    assert find_script(text) is not None
    with pytest.raises(ValidationError) as error:
        validate_markdown(text)
    assert "skript" in error.value.messages[0]
    assert "Markdown" in error.value.messages[0]


@pytest.mark.parametrize("text", HARMLESS)
def test_ordinary_markdown_is_accepted(text):
    assert find_script(text) is None
    validate_markdown(text)


EVENT_HANDLER_IN_TAG = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=")


def _links_are_safe(html: str) -> bool:
    """Every link is http(s), mailto or relative; text that merely mentions a scheme is inert."""
    hrefs = re.findall(r'href="([^"]*)"', html)
    return all(re.match(r"^(https?:|mailto:|[^:]*$)", href.replace("&amp;", "&")) for href in hrefs)


@pytest.mark.parametrize("text", HOSTILE)
def test_rendering_hostile_markdown_yields_no_active_content(text):
    """Even if script got past the validator (e.g. text stored before it), rendering is safe."""
    html = str(render_markdown(text))
    lowered = html.lower()
    assert "<script" not in lowered
    assert "<iframe" not in lowered and "<svg" not in lowered and "<object" not in lowered
    assert _links_are_safe(lowered)
    assert not EVENT_HANDLER_IN_TAG.search(lowered)


def test_markdown_renders_headings_one_level_down_links_and_tables():
    html = str(
        render_markdown(
            "# Syfte\n\n## Ansvar\n\n[AF](https://arbetsformedlingen.se/)\n\n"
            "| a | b |\n|---|---|\n| 1 | 2 |"
        )
    )
    assert "<h2>Syfte</h2>" in html and "<h3>Ansvar</h3>" in html
    assert '<a href="https://arbetsformedlingen.se/" rel="noopener noreferrer">AF</a>' in html
    assert '<th scope="col">a</th>' in html


def test_raw_html_is_shown_as_text_not_markup():
    html = str(render_markdown("Se <b>fet</b> och <span style='color:red'>röd</span>"))
    assert "<b>" not in html and "<span" not in html
    assert "&lt;b&gt;" in html


@settings(max_examples=200, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("<>/=\"' \n[]():#*-&;ajvscriptonerolg1x")), max_size=80)
)
def test_no_generated_text_renders_to_active_content(text):
    html = str(render_markdown(text)).lower()
    assert "<script" not in html
    assert _links_are_safe(html)
    for tag in ("<img", "<iframe", "<svg", "<object", "<style"):
        assert tag not in html
    assert not EVENT_HANDLER_IN_TAG.search(html)
