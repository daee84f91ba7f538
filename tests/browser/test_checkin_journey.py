"""A parent records an avoided school day and sees the avoidance trap on the home screen."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import register_and_add_child

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_checkin_with_avoided_school_changes_the_trap_sentence(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    label = "js" if javascript else "nojs"
    register_and_add_child(page, live_server, f"check-{label}@example.com")
    page.get_by_role("link", name="Home", exact=True).click()
    trap = page.get_by_role("region", name="Calm days: earned or avoided?")
    expect(trap).to_contain_text("No day check-ins in the last 7 days")

    trap.get_by_role("link", name="Today's check-in").click()
    page.get_by_role("group", name="How calm or upset was your child today?").get_by_text("1", exact=True).click()
    page.get_by_label("School or nursery").check()
    school = page.locator(".avoid-kind").filter(has_text="School or nursery")
    school.get_by_label("What was it? (optional)").fill("Tummy ache at breakfast")
    school.get_by_text("Kept them home").click()
    page.get_by_role("group", name="And how stressed were you?").get_by_text("7", exact=True).click()
    screenshot(page, f"checkin-form-{label}")
    page.get_by_role("button", name="Save check-in").click()

    expect(page.get_by_text("Check-in saved")).to_be_visible()
    expect(page.get_by_role("region", name="Calm days: earned or avoided?")).to_contain_text(
        "School (“Tummy ache at breakfast”) was avoided on the one calm day this week; "
        "Mia was kept home.")
    screenshot(page, f"home-after-checkin-{label}")
    page.get_by_role("link", name="What this means").click()
    expect(page).to_have_url(re.compile(r"/insights$"))
    expect(page.get_by_role("table")).to_contain_text("1")
