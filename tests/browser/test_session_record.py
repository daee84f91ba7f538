"""A therapist on a tablet records a session right after it: the common case in seven taps."""
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import (
    caregiver_accepts,
    create_link_code,
    register_and_add_child,
    register_therapist,
)

pytestmark = pytest.mark.browser
TABLET = {"width": 768, "height": 1024}


def test_the_common_session_record_takes_seven_taps(live_server, laptop, phone):
    register_therapist(laptop, live_server)
    code = create_link_code(laptop)
    register_and_add_child(phone, live_server, "jo-sessions@example.com")
    caregiver_accepts(phone, code)
    laptop.set_viewport_size(TABLET)
    laptop.get_by_role("link", name="Home", exact=True).click()
    laptop.get_by_role("list", name=re.compile("Linked children")).get_by_role(
        "link", name=re.compile("Mia")).click()

    started = time.monotonic()
    laptop.get_by_role("link", name="Record a session").click()                     # tap 1
    form = laptop.locator("form.session-form")
    form.get_by_role("group", name="What the child showed").get_by_text(
        "Quietly withdrawn").click()                                                # tap 2
    form.get_by_role("group", name="Engagement").get_by_text("Joined in", exact=True).click()
    form.get_by_role("group", name="What calmed the body first").get_by_text(
        "Weighted lap pad").click()                                                 # tap 4
    form.get_by_role("group", name="Sand-play").get_by_text("Clicked").click()     # tap 5
    form.get_by_role("group", name="Small wins in the session").get_by_text(
        "Shared a laugh").click()                                                   # tap 6
    screenshot(laptop, "therapist-session-form-tablet")
    form.get_by_role("button", name="Save").click()                                # tap 7
    sessions = laptop.get_by_role("region", name="Sessions")
    expect(sessions).to_contain_text("Engagement 4 of 5: Joined in")
    expect(sessions).to_contain_text("Sand-play: Clicked")
    elapsed = time.monotonic() - started
    print(f"session record, common case: 7 taps, {elapsed:.1f} s of app time")
    # The app's share of the minute: seven taps and three page loads, well under 10 s here.
    assert elapsed < 10, elapsed
    screenshot(laptop, "therapist-child-page-with-sessions")
