"""Calm my body first, and stories read aloud, in the child view on a phone."""
import re

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import screenshot
from tests.browser.journeys import family_with_a_ladder, open_child_mode

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 780}
# A speech synthesis with one voice on the phone, recording what it was asked to say.
FAKE_LOCAL_VOICE = """
window.__spoken = [];
const voice = {name: "On the phone", lang: "en-GB", localService: true, default: true};
Object.defineProperty(window, "speechSynthesis", {configurable: true, value: {
  speaking: false, getVoices: () => [voice], cancel: () => {}, addEventListener: () => {},
  speak: (utterance) => window.__spoken.push([utterance.text, utterance.voice.name])}});
window.SpeechSynthesisUtterance = function (words) { this.text = words; };
"""
NO_SPEECH = 'Object.defineProperty(window, "speechSynthesis", {value: undefined});'


def _circle(page) -> dict:
    return page.locator(".breathe-circle").evaluate(
        "c => ({name: getComputedStyle(c).animationName, shown: c.getClientRects().length > 0})")


def _calm_first_then_try(page, live_server, email: str, label: str) -> None:
    family_with_a_ladder(page, live_server, email)
    open_child_mode(page)
    page.get_by_role("link", name="I’m going to try this!").first.click()
    page.get_by_role("link", name="Calm my body first").click()
    expect(page.get_by_role("heading", name="Calm my body")).to_be_visible()
    # The "Whole school day" ladder's plan: four strategies, each a picture and words.
    expect(page.locator(".calm-card")).to_have_count(4)
    expect(page.locator(".calm-card svg.calm-picture")).to_have_count(4)
    expect(page.get_by_text("Ask for a big, tight hug. Feel it squeeze.")).to_be_visible()
    assert page.evaluate("document.documentElement.scrollWidth") <= page.viewport_size["width"]
    screenshot(page, f"calm-1-{label}")
    page.emulate_media(color_scheme="dark")
    screenshot(page, f"calm-1-{label}-dark")
    page.emulate_media(color_scheme="light")


def _finish_the_try(page, live_server) -> None:
    ready = page.get_by_role("link", name="I’m ready")
    assert ready.bounding_box()["height"] >= 64
    ready.click()
    expect(page.get_by_text("Your body is calm. Well done!")).to_be_visible()
    screenshot(page, f"calm-3-ready-{page.viewport_size['width']}")
    page.emulate_media(color_scheme="dark")
    screenshot(page, f"calm-3-ready-{page.viewport_size['width']}-dark")
    page.emulate_media(color_scheme="light")
    page.get_by_role("group", name="How do you feel?", exact=True).get_by_text("OK").click()
    page.get_by_role("group", name="Did you do it?").get_by_text("I did it!").click()
    page.get_by_role("group", name="How do you feel now?").get_by_text("Happy", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("heading", name="You did it!")).to_be_visible()
    engine = create_engine(live_server.database_url)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT calm_first, fear_before FROM practice")).all() == [
            (True, 5)]
    engine.dispose()


def test_calm_first_with_reduced_motion_shows_a_still_count(live_server, phone):
    phone.set_viewport_size(NARROW)
    phone.emulate_media(reduced_motion="reduce")
    _calm_first_then_try(phone, live_server, "still@example.com", "reduced-360")
    assert _circle(phone) == {"name": "none", "shown": False}  # the animation does not run
    expect(phone.locator(".breathe-count")).to_be_visible()
    expect(phone.get_by_text("Breathe in: 1, 2, 3, 4")).to_be_visible()
    expect(phone.get_by_text("Breathe in as the circle grows", exact=False)).to_be_hidden()
    _finish_the_try(phone, live_server)


def test_calm_first_breathing_circle_moves(live_server, phone):
    _calm_first_then_try(phone, live_server, "moving@example.com", "motion-390")
    assert _circle(phone) == {"name": "breathe", "shown": True}
    expect(phone.locator(".breathe-count")).to_be_hidden()
    expect(phone.get_by_text("Breathe in as the circle grows", exact=False)).to_be_visible()
    _finish_the_try(phone, live_server)


def test_calm_first_without_javascript(live_server, phone_without_js):
    phone_without_js.set_viewport_size(NARROW)
    _calm_first_then_try(phone_without_js, live_server, "nojs@example.com", "nojs-360")
    _finish_the_try(phone_without_js, live_server)


def _story_on_the_current_step(live_server) -> None:
    engine = create_engine(live_server.database_url)
    with engine.begin() as connection:
        connection.execute(text(
            "UPDATE step SET sensory_story = :story WHERE status = 'current'"),
            {"story": "I will see my shoes.\nI will hear the birds."})
    engine.dispose()


def test_stories_are_read_aloud_with_a_voice_on_the_phone(live_server, phone):
    phone.add_init_script(FAKE_LOCAL_VOICE)
    family_with_a_ladder(phone, live_server, "story@example.com")
    _story_on_the_current_step(live_server)
    open_child_mode(phone)
    phone.get_by_role("link", name="I’m going to try this!").first.click()
    phone.get_by_text("What I will see, hear and feel").click()
    phone.get_by_role("button", name="Read it to me").click()
    spoken = phone.evaluate("window.__spoken")
    assert spoken == [["I will see my shoes.\nI will hear the birds.", "On the phone"]]
    screenshot(phone, "calm-2-sensory-story-390")
    phone.set_viewport_size(NARROW)
    phone.emulate_media(color_scheme="dark")
    screenshot(phone, "calm-2-sensory-story-360-dark")


def test_no_read_aloud_button_without_speech(live_server, phone):
    phone.add_init_script(NO_SPEECH)
    family_with_a_ladder(phone, live_server, "quiet@example.com")
    _story_on_the_current_step(live_server)
    open_child_mode(phone)
    phone.get_by_role("link", name="I’m going to try this!").first.click()
    phone.get_by_text("What I will see, hear and feel").click()
    expect(phone.get_by_text(re.compile("I will hear the birds"))).to_be_visible()
    expect(phone.get_by_role("button", name="Read it to me")).to_have_count(0)
