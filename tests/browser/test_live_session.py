"""A live session in two browsers: the therapist on a laptop, the family on a phone."""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.axe_scan import serious
from tests.browser.conftest import screenshot
from tests.browser.journeys import (
    caregiver_accepts,
    create_link_code,
    ladder_from_template,
    register_and_add_child,
    register_therapist,
)

pytestmark = pytest.mark.browser

# What the issue asks: a tapped face shows on the therapist's screen within two seconds.
SHOWN_WITHIN_SECONDS = 2.0


def _therapist_starts_a_live_session(laptop) -> str:
    laptop.get_by_role("link", name="Home", exact=True).click()
    laptop.get_by_role("list", name=re.compile("Linked children")).get_by_role(
        "link", name=re.compile("Mia")).click()
    laptop.get_by_role("button", name="Start a live session").click()
    expect(laptop.get_by_role("heading", level=1)).to_have_text("Live session with Mia")
    return laptop.get_by_role("textbox", name="Link for Mia’s family").input_value()


def test_a_face_tapped_on_the_phone_shows_on_the_therapists_screen_within_two_seconds(
        live_server, laptop, phone):
    register_therapist(laptop, live_server)
    code = create_link_code(laptop)
    register_and_add_child(phone, live_server, "jo-live@example.com")
    ladder_from_template(phone)
    caregiver_accepts(phone, code)

    link = _therapist_starts_a_live_session(laptop)
    feeling = laptop.get_by_role("region", name="How Mia feels")
    expect(feeling).to_contain_text("Waiting for Mia to tap a face")

    phone.goto(link)
    expect(phone.get_by_role("heading", name="How do you feel right now?")).to_be_visible()
    tapped = time.monotonic()
    phone.get_by_role("button", name="Worried").click()
    expect(feeling).to_contain_text("Worried", timeout=5_000)
    elapsed = time.monotonic() - tapped
    print(f"face shown on the therapist's screen after {elapsed:.2f} s")
    assert elapsed < SHOWN_WITHIN_SECONDS, f"shown after {elapsed:.2f} s"
    expect(phone.locator("#live-chosen")).to_contain_text("Worried. Thank you for telling us")
    expect(feeling).to_contain_text("Just now")
    screenshot(phone, "live-family-phone")

    # A brave try in session, logged from the therapist's screen.
    tries = laptop.get_by_role("region", name="Brave try now")
    tries.get_by_label("Fear before").select_option("6")
    tries.get_by_label("Fear after").select_option("3")
    tries.get_by_role("button", name="Brave try now").click()
    expect(tries).to_contain_text("Saved: a brave try in session")
    expect(tries.get_by_role("list")).to_contain_text("fear 6 → 3")
    screenshot(laptop, "live-therapist-screen")
    assert serious(phone) == []
    assert serious(laptop) == []

    # The calm-first timer counts down on the shared screen.
    timer = laptop.get_by_role("region", name="Calm first")
    timer.get_by_role("button", name="1 minute").click()
    expect(timer.get_by_role("status")).to_contain_text("Breathe in slowly")
    expect(timer).to_contain_text(re.compile(r"0:5\d"))

    # Ending the session: the family's screen says so without a reload.
    laptop.get_by_role("button", name="End session").click()
    expect(laptop.get_by_text("This live session has ended.").first).to_be_visible()
    expect(phone.get_by_text("This live session has ended.")).to_be_visible()
    expect(phone.get_by_role("button", name="Worried")).to_have_count(0)
