"""The calendar feed in Chromium: turned on from the reminders page, its link copied with the
Clipboard API (or selectable by hand without JavaScript), fetched like a calendar app, and
both pages free of serious accessibility problems, light and dark, at phone widths."""
import pytest
from playwright.sync_api import expect

from tests.browser.axe_scan import serious
from tests.browser.conftest import screenshot
from tests.browser.journeys import register_and_add_child

pytestmark = pytest.mark.browser


def _turn_on(page, base_url) -> str:
    """From the reminders page, turn the feed on; return the link the page shows."""
    page.goto(base_url + "/reminders")
    page.get_by_role("button", name="Turn on the calendar feed").click()
    expect(page.get_by_role("heading", name="Your calendar link")).to_be_visible()
    return page.get_by_label("Private calendar link").input_value()


def test_turn_on_copy_the_link_and_fetch_the_feed(live_server, phone):
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    register_and_add_child(phone, live_server, "jo@example.com")
    link = _turn_on(phone, live_server)
    assert link.startswith(live_server + "/calendar/") and link.endswith(".ics")
    phone.get_by_role("button", name="Copy link").click()
    expect(phone.locator("[data-copy-status]")).to_have_text("Copied. Paste it into your calendar app.")
    assert phone.evaluate("navigator.clipboard.readText()") == link
    assert serious(phone) == []
    phone.get_by_text("How to add it to your calendar").click()
    phone.set_viewport_size({"width": 360, "height": 800})
    screenshot(phone, "calendar-feed-link-360-light")
    phone.set_viewport_size({"width": 390, "height": 844})
    feed = phone.request.get(link)
    assert feed.status == 200
    assert feed.headers["content-type"] == "text/calendar; charset=utf-8"
    assert feed.text().startswith("BEGIN:VCALENDAR")
    # Back on the settings: on, with the link not shown again.
    phone.get_by_role("link", name="Back to reminders").click()
    section = phone.locator("#calendar-feed")
    expect(section.get_by_role("button", name="Make a new link")).to_be_visible()
    assert link not in phone.content()
    assert serious(phone) == []
    phone.set_viewport_size({"width": 360, "height": 800})
    section.scroll_into_view_if_needed()
    screenshot(phone, "calendar-feed-settings-360-light")
    phone.emulate_media(color_scheme="dark")
    phone.set_viewport_size({"width": 390, "height": 844})
    screenshot(phone, "calendar-feed-settings-390-dark")
    phone.emulate_media(color_scheme="light")
    # A new link: the old one stops at once.
    section.get_by_role("button", name="Make a new link").click()
    new = phone.get_by_label("Private calendar link").input_value()
    assert new != link
    assert phone.request.get(link).status == 404
    phone.emulate_media(color_scheme="dark")
    phone.set_viewport_size({"width": 390, "height": 844})
    screenshot(phone, "calendar-feed-link-390-dark")
    phone.emulate_media(color_scheme="light")


def test_without_javascript_the_link_is_there_to_copy_by_hand(live_server, phone_without_js):
    page = phone_without_js
    register_and_add_child(page, live_server, "jo@example.com")
    link = _turn_on(page, live_server)
    assert link.startswith(live_server + "/calendar/")
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_label("Private calendar link")).to_be_visible()
    page.get_by_role("link", name="Back to reminders").click()
    page.get_by_role("button", name="Turn off the feed").click()
    expect(page.get_by_text("Calendar feed turned off")).to_be_visible()
    assert page.request.get(link).status == 404
