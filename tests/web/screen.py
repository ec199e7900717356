"""What a rider sees: boxes inside the first screen, and words in a language the page is not in."""
import re

from playwright.sync_api import Locator, Page

from tests.web.conftest import PHONE

# Names the Chinese page may show as they are: the project's own name, and the API docs link.
LATIN_ALLOWED = {"API", "servicemap"}
LATIN_WORD = re.compile(r"[A-Za-z]{2,}")

# Visible text, and the names and tooltips screen readers and mice get, of everything rendered. Left out:
# what is marked as another language (the English switch is labelled in English on purpose) and the
# base map's attribution, a legal notice the operator configures (by default OpenStreetMap's, in English).
RENDERED_TEXT = """() => {
  const marked = (el) => el.closest('[lang]:not(html)');
  const skip = (el) => (marked(el) && marked(el).lang !== document.documentElement.lang)
    || el.closest('.leaflet-control-attribution') || !el.getClientRects().length;
  const hidden = (el) => ['SCRIPT', 'NOSCRIPT', 'TEXTAREA'].includes(el.tagName)
    || getComputedStyle(el).visibility === 'hidden' || (el.closest('details:not([open])') && !el.closest('summary'));
  const texts = [document.title];
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  while (walker.nextNode()) {
    const el = walker.currentNode.parentElement;
    if (el && !skip(el) && !hidden(el)) texts.push(walker.currentNode.textContent);
  }
  for (const el of document.body.querySelectorAll('[aria-label], [title]')) {
    if (!skip(el)) texts.push(el.getAttribute('aria-label') || '', el.getAttribute('title') || '');
  }
  return texts.join('\\n');
}"""


def latin_words(page: Page) -> list[str]:
    """Words in Latin letters anywhere a rider of the Chinese page could see or hear them."""
    return sorted({w for w in LATIN_WORD.findall(page.evaluate(RENDERED_TEXT)) if w not in LATIN_ALLOWED})


def assert_on_first_screen(page: Page, *locators: Locator) -> None:
    """Each element wholly inside the 360×740 viewport, the page not scrolled."""
    assert page.evaluate("window.scrollY") == 0
    for locator in locators:
        box = locator.bounding_box()
        assert box is not None, f"{locator} is not shown"
        inside = box["x"] >= 0 and box["y"] >= 0 and box["x"] + box["width"] <= PHONE["width"] \
            and box["y"] + box["height"] <= PHONE["height"]
        assert inside, f"{locator} is at {box}, outside the first {PHONE['width']}×{PHONE['height']} screen"
