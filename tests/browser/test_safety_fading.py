"""Safety behaviours in the browser at 390 px: list what the child leans on, tick it on the
practices, and once the step is mastered add the same step without it in one tap."""
import re
from datetime import datetime, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import family_with_a_ladder

pytestmark = pytest.mark.browser
HAND = "Holding a hand"
FIRST = "Wear school clothes at home"


def _log(page, base, child_id: int, when: datetime | None = None) -> None:
    page.goto(f"{base}/children/{child_id}/practices/new")
    page.get_by_role("group", name="How scared before?").get_by_text("3", exact=True).click()
    page.get_by_role("group", name="How scared after?").get_by_text("1", exact=True).click()
    page.get_by_text("More details (optional)").click()
    page.get_by_role("group", name="What did your child lean on?").get_by_text(HAND).click()
    page.get_by_role("group", name="Where?").get_by_text("The park").click()
    if when:
        page.get_by_label("When").fill(when.strftime("%Y-%m-%dT%H:%M"))
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Practice saved")).to_be_visible()


def test_a_step_mastered_holding_a_hand_becomes_a_step_without_it(phone, live_server):
    page = phone
    child_id = family_with_a_ladder(page, live_server, "fade@example.com")
    ladder_url = re.sub(r"#.*$", "", page.url)

    page.goto(ladder_url + "/edit")
    safety = page.locator("#safety")
    safety.get_by_text(HAND, exact=True).click()
    safety.get_by_role("button", name="Save safety behaviours").click()
    expect(page.get_by_text("Safety behaviours saved.")).to_be_visible()
    screenshot(page, "safety-list-saved")

    yesterday = datetime.now() - timedelta(days=1)
    for when in (yesterday, None, None):
        _log(page, live_server, child_id, when)

    page.goto(ladder_url + "/progress")
    page.get_by_role("button", name=re.compile("Yes, it's mastered")).click()
    expect(page.get_by_text(f"“{FIRST}” is mastered")).to_be_visible()
    page.goto(ladder_url + "/progress")
    suggestion = page.locator(".fading-one")
    expect(suggestion).to_contain_text("Next rung: the same step without “Holding a hand”")
    expect(suggestion.get_by_text("Places: The park")).to_have_count(0)  # shown on the card
    expect(page.get_by_text("Places: The park").first).to_be_visible()
    screenshot(page, "safety-fading-suggested")
    suggestion.get_by_role("button", name=re.compile("^Add ")).click()
    expect(page.get_by_text(f"Added “{FIRST} — without holding a hand”")).to_be_visible()
    expect(page.locator(".step", has_text=f"{FIRST} — without holding a hand")).to_be_visible()
    screenshot(page, "safety-fading-added")

    page.goto(ladder_url + "/progress")
    expect(page.locator(".fading-one")).to_have_count(0)
