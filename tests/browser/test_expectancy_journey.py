"""Expectancy in the browser: log a practice with a prediction, get the re-rating question
days later (the dispatcher run at a chosen moment), re-rate in one tap, see the chart change."""
import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, create_engine, select

from graded_exposure.models import Reminder
from graded_exposure.services.dispatch import run_pass
from tests.browser.conftest import screenshot
from tests.browser.journeys import family_with_a_ladder
from tests.factories import DISPATCH_CONFIG

pytestmark = pytest.mark.browser


def test_predict_practise_rerate_and_see_the_chart_change(phone, live_server):
    page = phone
    child_id = family_with_a_ladder(page, live_server, "predict@example.com")
    page.goto(f"{live_server}/children/{child_id}/practices/new")
    page.get_by_role("group", name="How scared before?").get_by_text("7", exact=True).click()
    page.get_by_role("group", name="How scared after?").get_by_text("3", exact=True).click()
    page.get_by_text("More details (optional)").click()
    page.get_by_label("What did your child predict would happen?").fill(
        "The teacher will shout at me")
    page.get_by_role("group", name="How likely did it feel that it would happen?").get_by_text(
        "Probably", exact=True).click()
    page.get_by_role("group", name="Did it happen?").get_by_text("No", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_text("Practice saved")).to_be_visible()
    expect(page.locator("#flashes").get_by_text(
        "Mia thought it would happen (probably), and it did not.")).to_be_visible()
    screenshot(page, "expectancy-saved")

    # Three days later, at the family's practice reminder time: the dispatcher's pass.
    with Session(create_engine(live_server.database_url)) as db:
        reminder = db.exec(select(Reminder).where(Reminder.kind == "rerate")).one()
        run_pass(db, DISPATCH_CONFIG, now=reminder.next_due_at - timedelta(days=1))
        run_pass(db, DISPATCH_CONFIG, now=reminder.next_due_at + timedelta(minutes=1))
    page.goto(f"{live_server}/inbox")
    expect(page.locator(".message-title", has_text="How likely does it feel now for Mia?")
           ).to_have_count(1)
    screenshot(page, "expectancy-inbox")
    page.get_by_role("link", name=re.compile("Open.*How likely")).click()
    expect(page.get_by_role("heading", name="How likely does “The teacher will shout at me” "
                                             "feel now?")).to_be_visible()
    page.get_by_role("button", name="Probably not").click()
    expect(page.get_by_text("now it feels “Probably not” (before: “Probably”)")).to_be_visible()
    screenshot(page, "expectancy-rerated")

    page.goto(f"{live_server}/children/{child_id}")
    page.get_by_role("link", name="Progress").first.click()
    chart = page.locator(".expectancy-chart")
    expect(chart.get_by_role("img")).to_have_accessible_name(re.compile("first 75 %, latest 25 %"))
    page.get_by_text("Show the numbers").first.click()
    expect(page.get_by_role("row", name=re.compile("75 % 25 %"))).to_be_visible()
    screenshot(page, "expectancy-chart")
