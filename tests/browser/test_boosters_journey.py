"""A family at the top of a ladder on a 390 px phone: accepts the boosters and sees their four
dates, then the quick check says the old avoidance is creeping back and reopens the ladder at
the step that feels hard again (issue 16 item 5)."""
import re

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, create_engine

from graded_exposure.models import Child
from tests.browser.conftest import screenshot
from tests.browser.journeys import register_and_add_child
from tests.factories import finished_ladder

pytestmark = pytest.mark.browser


def test_accept_boosters_then_a_quick_check_reopens_the_ladder(phone, live_server):
    page = phone
    register_and_add_child(page, live_server, "boosters@example.com")
    child_id = int(re.search(r"/children/(\d+)/", page.url).group(1))
    with Session(create_engine(live_server.database_url)) as db:
        ladder = finished_ladder(db, db.get(Child, child_id), steps=4, goal="Ride the lift",
                                 area="outings", titles=["Look at the lift", "Step in and out",
                                                         "Ride one floor", "Ride to the top"])

    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name=re.compile("^Boosters and a quick check")).click()
    expect(page.get_by_role("heading", name="Top of the ladder!")).to_be_visible()
    expect(page.get_by_label("At what time?")).to_have_value("18:00")
    page.get_by_role("button", name="Yes, add the boosters").click()
    expect(page.get_by_text("Boosters added.")).to_be_visible()
    expect(page.get_by_role("heading", name="Booster practices at 18:00")).to_be_visible()
    expect(page.locator("#boosters .booster-days li")).to_have_count(4)
    screenshot(page, "boosters-accepted")

    page.get_by_role("link", name="Is the old avoidance creeping back?").click()
    for question, answer in (("Has Mia started avoiding this again?", "Yes"),
                             ("Has the fear come back", "A little"),
                             ("Have you found yourselves stepping in again", "No")):
        page.get_by_role("group", name=re.compile(re.escape(question))).get_by_text(
            answer, exact=True).click()
    page.get_by_label("2. Step in and out").check()
    page.get_by_label("3. Ride one floor").check()
    screenshot(page, "boosters-quick-check")
    page.get_by_role("button", name="See what it says").click()
    expect(page.get_by_text("may be creeping back")).to_be_visible()
    page.get_by_role("button", name="Open the ladder again at step 2: Step in and out").click()
    expect(page.get_by_text("The ladder is open again.")).to_be_visible()
    expect(page.locator("#boosters")).to_have_count(0)
    expect(page.locator('li[aria-current="step"]')).to_contain_text("Step in and out")
    expect(page.locator("li.step-upcoming")).to_have_count(2)
    screenshot(page, "boosters-reopened")
    assert page.url.endswith(f"/ladders/{ladder.id}#step-{ladder.steps[1].id}")
