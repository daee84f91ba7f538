"""A child on a caregiver's phone: open the child view, log a try with faces, earn stars, leave."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import FAMILY_PASSWORD, family_with_a_ladder, open_child_mode

pytestmark = pytest.mark.browser

NARROW = {"width": 360, "height": 780}


def _assert_big_targets(page):
    for target in page.locator(".face-body, .did-it-choice > span, .brave-save").all():
        box = target.bounding_box()
        assert box["width"] >= 64 and box["height"] >= 64, box
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW["width"]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_child_logs_a_brave_try_and_a_grown_up_leaves(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    label = "js" if javascript else "nojs"
    page.set_viewport_size(NARROW)
    child_id = family_with_a_ladder(page, live_server, f"mia-{label}@example.com")
    open_child_mode(page)

    expect(page.get_by_role("heading", name="Hi, Mia!")).to_be_visible()
    expect(page.get_by_role("button", name="Log out")).to_have_count(0)
    expect(page.get_by_role("navigation", name="Main")).to_have_count(0)
    tries = page.get_by_role("link", name="I’m going to try this!")
    assert 1 <= tries.count() <= 3
    screenshot(page, f"child-1-page-{label}")

    tries.first.click()
    page.get_by_role("group", name="How do you feel?", exact=True).get_by_text("Worried").click()
    page.get_by_role("group", name="Did you do it?").get_by_text("I did it!").click()
    page.get_by_role("group", name="How do you feel now?").get_by_text(
        "Happy", exact=True).click()
    _assert_big_targets(page)
    screenshot(page, f"child-2-faces-{label}")
    page.get_by_role("button", name="Save").click()

    expect(page.get_by_role("heading", name="You did it!")).to_be_visible()
    expect(page.locator(".stars-earned")).to_have_text("3 stars")
    expect(page.locator(".stars-total")).to_have_text("You have 3 stars in all!")
    screenshot(page, f"child-3-done-{label}")
    if javascript:
        page.emulate_media(color_scheme="dark")
        screenshot(page, "child-3-done-dark")
        page.emulate_media(color_scheme="light")

    page.goto(f"{live_server}/family")  # every caregiver page leads back to the child
    expect(page).to_have_url(re.compile(rf"/children/{child_id}/brave$"))

    page.get_by_role("link", name="Grown-ups").click()
    page.get_by_label("Your password").fill("a wild guess")
    page.get_by_role("button", name="Leave the child view").click()
    expect(page.get_by_text("That password is not right.")).to_be_visible()
    expect(page.get_by_text("4 tries left before you are logged out.")).to_be_visible()
    screenshot(page, f"child-4-wrong-password-{label}")
    page.get_by_label("Your password").fill(FAMILY_PASSWORD)
    page.get_by_role("button", name="Leave the child view").click()
    expect(page).to_have_url(re.compile(rf"/children/{child_id}$"))
    expect(page.get_by_role("button", name="Log out")).to_be_visible()
    screenshot(page, f"child-5-back-home-{label}")


def test_child_page_in_dark_mode(live_server, phone):
    phone.set_viewport_size(NARROW)
    phone.emulate_media(color_scheme="dark")
    family_with_a_ladder(phone, live_server, "dark@example.com")
    open_child_mode(phone)
    screenshot(phone, "child-1-page-dark")
    phone.get_by_role("link", name="I’m going to try this!").first.click()
    phone.get_by_role("group", name="How do you feel?", exact=True).get_by_text("OK").click()
    _assert_big_targets(phone)
    screenshot(phone, "child-2-faces-dark")


def test_back_from_the_child_view_does_not_show_the_grown_ups_page(live_server, phone):
    # Found from outside: htmx kept its copy of the home the child view was opened from, and
    # Back restored it without asking the server (the child view's guard never saw it).
    family_with_a_ladder(phone, live_server, "back-from-child@example.com")
    open_child_mode(phone)
    expect(phone.get_by_role("heading", name="Hi, Mia!")).to_be_visible()
    # The copies go once the child view has settled (offline.js): wait for that, not a sleep.
    phone.wait_for_function("""() => !(sessionStorage.getItem("htmx-history-cache") || "")
                                      .includes("Log practice")""")
    for _ in range(2):
        phone.go_back()
        phone.wait_for_load_state("load")
        expect(phone).to_have_url(re.compile(r"/children/\d+/brave$"))
        expect(phone.get_by_role("heading", name="Hi, Mia!")).to_be_visible()
        expect(phone.get_by_role("navigation", name="Main")).to_have_count(0)
        expect(phone.get_by_role("button", name="Log out")).to_have_count(0)
