"""The child and caregiver rating one try: faces and numbers on the same practice, both ways
round, and the therapist sees how the two agree."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import (
    FAMILY_PASSWORD,
    caregiver_accepts,
    create_link_code,
    family_with_a_ladder,
    log_practice_in_three_taps,
    open_child_mode,
    register_therapist,
)

pytestmark = pytest.mark.browser

NARROW = {"width": 390, "height": 844}


def _leave_child_view(phone) -> None:
    phone.get_by_role("link", name="Grown-ups").click()
    phone.get_by_label("Your password").fill(FAMILY_PASSWORD)
    phone.get_by_role("button", name="Leave the child view").click()
    expect(phone.get_by_role("button", name="Log out")).to_be_visible()


def _stars(text: str) -> int:
    return int(re.search(r"(\d+) stars?", text).group(1))


def test_the_child_and_caregiver_rating_one_try(live_server, phone, laptop):
    phone.set_viewport_size(NARROW)
    register_therapist(laptop, live_server)
    code = create_link_code(laptop)
    child_id = family_with_a_ladder(phone, live_server, "jo-voices@example.com")
    caregiver_accepts(phone, code)

    # The child rates first, with faces.
    open_child_mode(phone)
    phone.get_by_role("link", name="I’m going to try this!").first.click()
    phone.get_by_role("group", name="How do you feel?", exact=True).get_by_text(
        "Very scared").click()
    phone.get_by_role("group", name="Did you do it?").get_by_text("I did it!").click()
    phone.get_by_role("group", name="How do you feel now?").get_by_text("Worried").click()
    phone.get_by_role("button", name="Save").click()
    expect(phone.get_by_role("heading", name="You did it!")).to_be_visible()
    _leave_child_view(phone)

    # The caregiver adds numbers to that same try.
    recent = phone.get_by_role("region", name="Recent practices")
    expect(recent.get_by_role("listitem")).to_have_count(1)
    expect(recent).to_contain_text("Mia’s faces: Very scared → Worried")
    recent.get_by_role("link", name="Add your rating").click()
    expect(phone.get_by_role("heading", name="Add your rating")).to_be_visible()
    screenshot(phone, "voices-1-add-your-rating")
    phone.get_by_role("group", name="How scared before?").get_by_text("3", exact=True).click()
    phone.get_by_role("group", name="How scared after?").get_by_text("2", exact=True).click()
    phone.get_by_role("button", name="Save my rating").click()
    expect(phone.get_by_text("Your rating is saved with this try.")).to_be_visible()
    recent = phone.get_by_role("region", name="Recent practices")
    expect(recent.get_by_role("listitem")).to_have_count(1)  # one try, not two
    expect(recent.get_by_role("link", name="Add your rating")).to_have_count(0)
    expect(recent).to_contain_text("Fear 3 → 3 → 2")

    # The caregiver logs first; the child view asks the child how it felt.
    log_practice_in_three_taps(phone, before="2", after="1")
    open_child_mode(phone)
    stars_before = _stars(phone.locator(".star-total").inner_text())
    feel = phone.get_by_role("region", name="How did it feel?")
    expect(feel).to_be_visible()
    feel.get_by_role("link", name="Show me with faces").click()
    phone.get_by_role("group", name="How did you feel before?").get_by_text(
        "Very scared").click()
    phone.get_by_role("group", name="How do you feel now?").get_by_text("Worried").click()
    screenshot(phone, "voices-2-how-did-it-feel")
    phone.get_by_role("button", name="Save").click()
    expect(phone.locator(".done-feelings")).to_contain_text("Very scared")
    assert _stars(phone.locator(".stars-total").inner_text()) == stars_before  # no double count
    phone.get_by_role("link", name="Back").click()
    expect(phone.get_by_role("region", name="How did it feel?")).to_have_count(0)
    _leave_child_view(phone)
    expect(phone).to_have_url(re.compile(rf"/children/{child_id}$"))

    # The therapist sees the two voices side by side, as a talking point.
    laptop.goto(f"{live_server}/therapist/children/{child_id}")
    voices = laptop.get_by_role("region", name="Both voices: Mia and the grown-ups")
    expect(voices).to_contain_text(
        "Mia rated it scarier than the grown-up did on 2 of the last 2 tries rated by both "
        "— worth asking Mia about.")
    expect(voices.get_by_role("row")).to_have_count(3)  # a header and two tries
    voices.scroll_into_view_if_needed()
    screenshot(laptop, "voices-3-therapist")
    laptop.goto(f"{live_server}/therapist/children/{child_id}/summary")
    expect(laptop.get_by_role("region", name="Both voices: Mia and the grown-ups")).to_contain_text(
        "worth asking Mia about")
