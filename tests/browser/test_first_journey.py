"""A parent on a phone: register, add a child, build a ladder from a template, log a practice."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import (
    ladder_from_template,
    log_practice_in_three_taps,
    register_and_add_child,
)

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_register_build_ladder_and_log_a_practice(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    label = "js" if javascript else "nojs"
    register_and_add_child(page, live_server, f"jo-{label}@example.com")
    screenshot(page, f"1-new-ladder-{label}")
    ladder_from_template(page)
    screenshot(page, f"2-ladder-{label}")
    log_practice_in_three_taps(page)
    recent = page.get_by_role("region", name="Recent practices")
    expect(recent).to_contain_text("6")
    expect(recent).to_contain_text("2")
    screenshot(page, f"3-home-after-practice-{label}")


def test_without_javascript_sign_up_asks_for_the_time_zone(live_server, phone, phone_without_js):
    phone_without_js.goto(live_server + "/register")
    zone = phone_without_js.get_by_label("Your time zone")
    expect(zone).to_be_visible()
    expect(zone).to_have_value("UTC")
    zone.select_option("Asia/Kolkata")
    expect(zone).to_have_value("Asia/Kolkata")
    phone.goto(live_server + "/register")  # with JavaScript the browser's zone is taken
    expect(phone.get_by_label("Your time zone")).to_have_count(0)
