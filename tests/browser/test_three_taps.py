"""Three taps from the home screen to a saved practice, at 390 px, with and without JavaScript."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import PHONE, screenshot
from tests.browser.journeys import family_with_a_ladder, log_practice_in_three_taps

pytestmark = pytest.mark.browser


def _practices(live_server) -> list:
    engine = create_engine(live_server.database_url)
    try:
        with engine.begin() as connection:
            return connection.execute(text(
                "SELECT fear_before, fear_peak, fear_after, outcome FROM practice")).all()
    finally:
        engine.dispose()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_practice_is_saved_in_three_taps_from_home(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    assert page.viewport_size == PHONE
    family_with_a_ladder(page, live_server, f"taps-{javascript}@example.com")

    assert log_practice_in_three_taps(page, before="6", after="2") == 3

    assert _practices(live_server) == [(6, 6, 2, "did_it")]
    screenshot(page, f"three-taps-saved-{'js' if javascript else 'nojs'}")


def test_the_quick_path_still_takes_the_peak_when_a_parent_wants_it(phone, live_server):
    page = phone
    family_with_a_ladder(page, live_server, "peak@example.com")
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("group", name="Or start with how scared Mia was before").get_by_role(
        "button", name="2", exact=True).click()
    expect(page.get_by_text("How scared before: 2")).to_be_visible()
    page.get_by_text("Most scared during, and more details (optional)").click()
    page.get_by_role("group", name="Most scared during (optional)").get_by_text(
        "9", exact=True).click()
    page.get_by_role("group", name="How scared after?").get_by_text("3", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Practice saved")).to_be_visible()
    assert _practices(live_server) == [(2, 9, 3, "did_it")]


def test_back_after_saving_gives_a_fresh_form_that_saves_a_second_practice(phone, live_server):
    """Found from outside on a phone: Back after a save restored htmx's copy of the form, with
    the key already used; its Save said "Practice saved" and stored nothing. Pages with a
    once-only form are kept out of htmx's history copies, so Back asks the server for a new
    form."""
    page = phone
    family_with_a_ladder(page, live_server, "back@example.com")
    log_practice_in_three_taps(page, before="6", after="2")
    page.go_back()  # to the quick form, "before" 6 from its address
    expect(page.get_by_text("How scared before: 6")).to_be_visible()
    page.get_by_role("group", name="How scared after?").get_by_text("1", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Practice saved")).to_be_visible()
    assert sorted(_practices(live_server)) == [(6, 6, 1, "did_it"), (6, 6, 2, "did_it")]


def test_a_refused_form_keeps_the_forms_address(phone, live_server):
    """Found from outside on a phone: Save with a rating missing showed the refusal, and the
    address bar moved to where the form posts (/children/1/practices); reloading it opened the
    list of practices instead of the form."""
    page = phone
    family_with_a_ladder(page, live_server, "refused@example.com")
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("group", name=re.compile("^Or start with how scared")).first.get_by_role(
        "button", name="6", exact=True).click()
    expect(page.get_by_text("How scared before: 6")).to_be_visible()
    form_address = page.url
    assert "/practices/new" in form_address
    page.evaluate("document.querySelectorAll('fieldset[data-required]').forEach("
                  "f => f.removeAttribute('data-required'))")  # past the phone's own check
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Tap how scared")).to_be_visible()
    assert page.url == form_address


# The chosen number's button is on screen and clear of the sticky Save. Waited for, not read
# once: a scroll still settling (the page loading beside other tests) is not the bug, which
# stays.
IN_VIEW = """([group, value]) => {
    const input = document.querySelector(`input[name="${group}"][value="${value}"]`);
    const shown = input.nextElementSibling.getBoundingClientRect();
    const save = document.querySelector(".practice-form > button[type=submit]")
        .getBoundingClientRect();
    return !(shown.bottom > save.top && shown.top < save.bottom) && shown.bottom <= innerHeight;
}"""


@pytest.mark.parametrize("text_size", ["100%", "200%"])
def test_a_rating_chosen_by_keyboard_is_never_under_the_sticky_save(phone, live_server,
                                                                       text_size):
    # Found from outside: the hidden radio is a pixel, so focusing it scrolled only that pixel
    # into view, and at 200 % text the sticky Save covered the numbers 6 to 10 being chosen.
    page = phone
    page.set_viewport_size({"width": 360, "height": 640})
    family_with_a_ladder(page, live_server, f"keys-{text_size[:-1]}@example.com")
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name=re.compile("^Log practice")).first.click()
    page.wait_for_load_state("networkidle")
    page.evaluate(f"document.documentElement.style.fontSize = '{text_size}'")
    # From the top of the page with Tab, as a keyboard user goes down the form.
    for group in ("fear_before", "fear_after"):
        for _ in range(80):
            page.keyboard.press("Tab")
            if page.evaluate("document.activeElement.name") == group:
                break
        for value in range(11):
            page.keyboard.press("ArrowRight" if value else "Space")
            expect(page.locator(f'input[name="{group}"][value="{value}"]')).to_be_checked()
            page.wait_for_function(IN_VIEW, arg=[group, str(value)], timeout=3000)
