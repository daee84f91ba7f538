"""Everything tappable is thumb-sized: on every main page at 390 px, each link, button, summary,
form control and choice label is at least 44x44 px, or has the equivalent spacing.

The rule, precisely (after WCAG 2.5.5 at 44 px, with 2.5.8's exceptions):
- A target is a visible `a[href]`, `button`, `summary`, `select`, `textarea`, an `input` that
  is not hidden or visually replaced (an opacity-0 radio is represented by its label), or a
  `label` holding or naming a radio button or a checkbox. A target inside another is not
  counted on its own.
- Inline exception: a link shown inline inside a sentence (its block holds other text) may be
  as tall as its line.
- Otherwise a target smaller than 44x44 passes only with spacing: the 44x44 square centred on
  it, taken together with its own box, overlaps no other target's box (or square).
"""
import pytest
from sqlmodel import Session

from tests.browser.conftest import PHONE
from tests.browser.journeys import each_main_page
from tests.main_pages import seed_main_pages

pytestmark = pytest.mark.browser
MIN = 44

MEASURE = """(min) => {
  const SELECTOR = 'a[href], button, summary, select, textarea, input, label';
  const visible = (el) => {
    const style = getComputedStyle(el), box = el.getBoundingClientRect();
    return box.width > 1 && box.height > 1 && style.visibility !== 'hidden'
      && style.opacity !== '0' && el.getClientRects().length > 0;
  };
  const isTarget = (el) => {
    if (el.matches('input[type=hidden]')) return false;
    if (el.tagName === 'LABEL') {
      const control = el.control;
      return !!control && (control.type === 'radio' || control.type === 'checkbox');
    }
    return true;
  };
  const targetRoot = (el) => {
    // A label's own radio, or anything inside another target, is that target.
    const outer = el.parentElement && el.parentElement.closest(SELECTOR);
    return !(outer && isTarget(outer) && visible(outer));
  };
  const inlineInText = (el) => {
    if (el.tagName !== 'A' || getComputedStyle(el).display !== 'inline') return false;
    let block = el.parentElement;
    while (block && getComputedStyle(block).display.startsWith('inline')) block = block.parentElement;
    const own = el.textContent.trim().length;
    return !!block && block.textContent.trim().length > own + 1;
  };
  const all = [...document.querySelectorAll(SELECTOR)]
    .filter((el) => isTarget(el) && visible(el) && targetRoot(el))
    .map((el) => {
      const b = el.getBoundingClientRect(), x = b.left + scrollX, y = b.top + scrollY;
      const cx = x + b.width / 2, cy = y + b.height / 2;
      const small = b.width < min || b.height < min;
      const zone = small ? {l: Math.min(x, cx - min / 2), t: Math.min(y, cy - min / 2),
                            r: Math.max(x + b.width, cx + min / 2),
                            b: Math.max(y + b.height, cy + min / 2)}
                         : {l: x, t: y, r: x + b.width, b: y + b.height};
      const text = (el.innerText || el.value || el.getAttribute('aria-label') || el.name || '')
        .trim().replace(/\\s+/g, ' ').slice(0, 40);
      const classes = el.className && typeof el.className === 'string'
        ? '.' + el.className.trim().split(/\\s+/).join('.') : '';
      return {el, small, zone, inline: inlineInText(el),
              what: `${el.tagName.toLowerCase()}${classes} "${text}"`,
              size: `${Math.round(b.width)}x${Math.round(b.height)}`};
    });
  const overlap = (a, b) => a.l < b.r - 0.5 && b.l < a.r - 0.5 && a.t < b.b - 0.5 && b.t < a.b - 0.5;
  const problems = all.filter((t) => t.small && !t.inline).flatMap((t) => {
    const near = all.filter((o) => o !== t && overlap(t.zone, o.zone));
    return near.length ? [`${t.what} is ${t.size}, too close to ${near[0].what}`] : [];
  });
  const spaced = all.filter((t) => t.small && !problems.some((p) => p.startsWith(t.what)))
    .map((t) => `${t.what} is ${t.size}${t.inline ? ', inline in text' : ', spaced'}`);
  return {measured: all.length, problems, spaced};
}"""


def test_every_target_on_every_main_page_is_thumb_sized(live_server, browser):
    with Session(live_server.app.extensions["db_engine"], expire_on_commit=False) as db:
        seeded = seed_main_pages(live_server.app, db)
    failures = []
    for page, main_page in each_main_page(browser, live_server, seeded, PHONE):
        found = page.evaluate(MEASURE, MIN)
        assert found["measured"] >= 2, f"{main_page.name}: no targets found"
        failures += [f"{main_page.name}: {problem}" for problem in found["problems"]]
        for passed in found["spaced"]:  # small but allowed, for people to read
            print(f"{main_page.name}: {passed}")
    assert not failures, f"{len(failures)} targets too small:\n" + "\n".join(failures)
