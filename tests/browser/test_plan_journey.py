"""A parent sets up a plan to reduce one accommodation on a 390 px phone, tells the child,
tracks three days in the check-in and sees the chart (SPACE, issue 14)."""
import re
import time
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, create_engine, select

from graded_exposure.models import AccommodationPlan, Child, utcnow
from graded_exposure.rules.timezones import local_date
from tests.browser.conftest import screenshot
from tests.browser.journeys import register_and_add_child
from tests.factories import accommodated_days

pytestmark = pytest.mark.browser


def _database(live_server):
    return Session(create_engine(live_server.database_url))


def test_choose_write_tell_track_and_see(phone, live_server):
    page = phone
    register_and_add_child(page, live_server, "space@example.com")
    child_id = int(re.search(r"/children/(\d+)/", page.url).group(1))
    today = local_date(utcnow(), "Europe/London")
    with _database(live_server) as db:  # a week of check-ins: school avoided, Mia kept home
        accommodated_days(db, db.get(Child, child_id), "school", "kept_home",
                          days=range(3, 10), today=today, distress=2)

    taps = 0
    started = time.monotonic()
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Changing one accommodation").click()
    taps += 1
    expect(page.get_by_text("Keeping Mia home (school or nursery): 7 days")).to_be_visible()
    page.get_by_role("link", name="Choose a target").click()
    taps += 1
    page.get_by_role("radio", name=re.compile("Keeping Mia home")).check()
    taps += 1
    page.get_by_label("What will you do instead?").fill(
        "We will take you to school and say goodbye at the gate")
    taps += 1
    page.get_by_text("Examples for Mia’s age").click()
    expect(page.get_by_text("I know this is really hard for you, and I know you can handle it"
                            )).to_be_visible()
    page.get_by_label("Acceptance: the fear is real").fill("I know this is really hard for you")
    page.get_by_label("Confidence: your child can cope").fill("I know you can handle it")
    page.get_by_label("If your child gets very upset, what will you do?").fill(
        "Stay calm and close, say our sentence once, and not give in")
    taps += 3
    screenshot(page, "plan-form")
    page.get_by_role("button", name="Save the plan").click()
    taps += 1
    seconds = time.monotonic() - started
    expect(page.get_by_role("heading", name="Keeping Mia home (school or nursery)")).to_be_visible()
    expect(page.get_by_text("Kept on 0 of the last 10 days")).to_be_visible()
    print(f"\nplan set up in {taps} taps (4 of them typing), {seconds:.1f} s automated")

    page.get_by_role("link", name="Tell Mia").click()
    announcement = page.locator("#announcement")
    expect(announcement).to_contain_text("Mia, we love you, and we know you can handle "
                                         "feeling anxious.")
    expect(announcement).to_contain_text("From today, we will take you to school")
    page.evaluate("window.print = () => { window.printed = true; }")
    page.get_by_role("button", name="Print").click()
    assert page.evaluate("window.printed") is True
    page.emulate_media(media="print")
    screenshot(page, "plan-announcement-print")
    expect(page.get_by_role("button", name="Print")).to_be_hidden()
    page.emulate_media(media="screen")

    with _database(live_server) as db:  # three days later: the plan began two days ago
        plan = db.exec(select(AccommodationPlan)).one()
        plan.starts_on = today - timedelta(days=2)
        db.add(plan)
        db.commit()
    for ago, kept, upset in ((2, "Yes", 8), (1, "Partly", 6),
                             (0, "Yes", 4)):
        page.goto(f"{live_server}/children/{child_id}/checkin?day="
                  f"{(today - timedelta(days=ago)).isoformat()}")
        page.get_by_role("group", name="How calm or upset was your child today?").get_by_text(
            str(upset), exact=True).click()
        page.get_by_role("group", name="And how stressed were you?").get_by_text(
            "5", exact=True).click()
        plan_day = page.locator("#plan-day")
        plan_day.get_by_text(kept, exact=True).click()
        plan_day.get_by_role("group", name="How upset was your child about it?").get_by_text(
            str(upset), exact=True).click()
        plan_day.get_by_role("group", name="How hard was it for you?").get_by_text(
            "6", exact=True).click()
        plan_day.get_by_label("What helped? (optional)").fill("Our sentence")
        if ago == 0:
            screenshot(page, "plan-checkin")
        page.get_by_role("button", name="Save check-in").click()
        expect(page.get_by_text("Check-in saved")).to_be_visible()

    page.goto(f"{live_server}/children/{child_id}/plan")
    expect(page.get_by_text("Kept on 2 of the last 10 days")).to_be_visible()
    expect(page.locator("#plan-rise")).to_contain_text("not a sign that the plan is failing")
    chart = page.locator("#plan-chart")
    expect(chart.locator("svg")).to_be_visible()
    chart.get_by_text("Show the numbers").click()
    expect(chart.get_by_role("table")).to_contain_text("Partly")
    screenshot(page, "plan-page")
