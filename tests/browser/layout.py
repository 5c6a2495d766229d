"""What a page must not do at any width: scroll sideways, or cut a chart's text.

On a phone a data table may be wider than the screen inside a marked scroll container
(``.table-wrap``; axe checks that it can be scrolled by keyboard); nothing else may. On a
desktop every table fits.
"""

from __future__ import annotations

from pathlib import Path

#: Screenshots kept from the browser tests (``var/`` is not in version control).
ARTEFACTS = Path(__file__).resolve().parents[2] / "var" / "test-artefacts"

_OVERFLOW = """() => {
  const root = document.documentElement;
  if (root.scrollWidth <= root.clientWidth) return [];
  const limit = root.clientWidth;
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    if (el.closest('.table-wrap')) continue;
    const box = el.getBoundingClientRect();
    if (box.width && box.right > limit + 1) {
      const cls = typeof el.className === 'string' ? el.className.trim() : '';
      const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
        (cls ? '.' + cls.split(/\\s+/).join('.') : '');
      found.push(`${name} reaches ${Math.round(box.right)} px`);
      if (found.length >= 5) break;
    }
  }
  return found.length ? found : [`the page is ${root.scrollWidth} px wide`];
}"""

_UNMARKED_SCROLL = """(everything) => {
  const found = [];
  for (const el of document.body.querySelectorAll('*')) {
    const style = getComputedStyle(el);
    if (!['auto', 'scroll'].includes(style.overflowX)) continue;
    if (el.scrollWidth <= el.clientWidth + 1) continue;
    if (!everything && el.matches('.table-wrap')) continue;
    const heading = el.querySelector('caption, th');
    found.push(el.tagName.toLowerCase() + '.' + el.className + ' (' +
      (heading ? heading.textContent.trim().slice(0, 40) : '') + ')');
  }
  return found;
}"""

_CLIPPED_SVG_TEXT = """() => {
  const found = [];
  for (const svg of document.querySelectorAll('svg[viewBox]')) {
    const vb = svg.viewBox.baseVal;
    for (const text of svg.querySelectorAll('text')) {
      const b = text.getBBox();
      if (!b.width) continue;
      if (b.x < vb.x - 0.5 || b.y < vb.y - 0.5 || b.x + b.width > vb.x + vb.width + 0.5 ||
          b.y + b.height > vb.y + vb.height + 0.5) {
        found.push(`"${text.textContent}" at ${Math.round(b.x)}..${Math.round(b.x + b.width)} ` +
          `in 0..${vb.width}`);
      }
    }
  }
  return found;
}"""


def layout_problems(page, *, wide: bool = False) -> list[str]:
    """Sideways scrolling, an unmarked scroll container, or SVG text outside its viewport.

    ``wide``: at a desktop width even a data table must fit without scrolling."""
    problems = [f"scrolls sideways: {p}" for p in page.evaluate(_OVERFLOW)]
    label = "table scrolls sideways" if wide else "unmarked scroll container"
    problems += [f"{label}: {p}" for p in page.evaluate(_UNMARKED_SCROLL, wide)]
    problems += [f"clipped chart text: {p}" for p in page.evaluate(_CLIPPED_SVG_TEXT)]
    return problems


def screenshot(page, name: str) -> Path:
    ARTEFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTEFACTS / f"{name}.png"
    # A long report page takes a while to paint on a loaded machine; a screenshot is an
    # artefact, so it gets more time than an interaction.
    page.screenshot(path=str(path), full_page=True, timeout=90_000)
    return path
