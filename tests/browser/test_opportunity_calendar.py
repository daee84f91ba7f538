"""A parent opens the week's opportunity calendar from the insights, on a 390 px phone."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import family_with_a_ladder, log_practice_in_three_taps

pytestmark = pytest.mark.browser


def test_the_calendar_opens_from_insights_and_reads_as_a_list_of_days(phone, live_server):
    page = phone
    child_id = family_with_a_ladder(page, live_server, "calendar@example.com")
    log_practice_in_three_taps(page)
    page.goto(f"{live_server}/children/{child_id}/checkin")
    page.get_by_role("group", name="How calm or upset was your child today?").get_by_text(
        "2", exact=True).click()
    page.get_by_label("An outing or a shop").check()
    outing = page.locator(".avoid-kind").filter(has_text="An outing or a shop")
    outing.get_by_text("Excused them from it").click()
    page.get_by_role("group", name="And how stressed were you?").get_by_text(
        "4", exact=True).click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved")).to_be_visible()

    page.goto(f"{live_server}/children/{child_id}/insights")
    page.get_by_role("link", name="This week day by day").click()
    expect(page).to_have_url(re.compile(rf"/children/{child_id}/calendar$"))
    expect(page.get_by_role("heading", level=1)).to_have_text("Mia: chances to face fears")
    today = page.locator(".cal-today")
    expect(today).to_contain_text("Practised")
    expect(today).to_contain_text("Accommodated: an outing or a shop; excused them from it")
    expect(page.locator(".cal-day")).to_have_count(7)
    # Phone first: one column of days, nothing wider than the screen.
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    boxes = [page.locator(".cal-day").nth(n).bounding_box() for n in range(2)]
    assert boxes[1]["y"] > boxes[0]["y"] and boxes[1]["x"] == boxes[0]["x"]
    screenshot(page, "opportunity-calendar-390")
    # Everything began this week: no weeks before it, none in the future.
    expect(page.get_by_role("link", name=re.compile("Week (before|after)"))).to_have_count(0)
