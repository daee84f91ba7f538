"""Focus stays where the person was when part of a page is swapped. Found from outside: after
every htmx update (moving a step, adding one, pausing a reminder) focus fell to <body>, so a
keyboard or switch user had to find their place again from the top of the page."""
import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from graded_exposure.models import Child, User, utcnow
from tests.browser.journeys import family_with_a_ladder
from tests.factories import add_reminder

pytestmark = pytest.mark.browser
FOCUSED = "() => document.activeElement && document.activeElement.textContent.trim()"


def _titles(page) -> list[str]:
    return [t.split(" ", 1)[1] for t in page.locator("li.step .step-title").all_inner_texts()]


def test_moving_a_step_with_the_keyboard_keeps_focus_on_its_button(live_server, phone):
    family_with_a_ladder(phone, live_server, "focus@example.com")
    titles = _titles(phone)
    down = phone.locator("li.step").nth(1).get_by_role("button", name=f"Move {titles[1]} down")
    down.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("li.step").nth(2).locator(".step-title")).to_contain_text(titles[1])
    expect(phone.locator("li.step").nth(2).get_by_role(
        "button", name=f"Move {titles[1]} down")).to_be_focused()
    # Again, from where focus is: the step moves one more place down.
    phone.keyboard.press("Enter")
    expect(phone.locator("li.step").nth(3).locator(".step-title")).to_contain_text(titles[1])


def test_pausing_a_reminder_leaves_focus_on_its_resume_button(live_server, phone):
    child_id = family_with_a_ladder(phone, live_server, "focus-reminder@example.com")
    with Session(live_server.app.extensions["db_engine"]) as db:
        user = db.exec(select(User).where(User.email == "focus-reminder@example.com")).one()
        add_reminder(db, user, db.get(Child, child_id), created=utcnow())
    phone.goto(live_server + "/reminders")
    reminder = phone.locator("li.reminder").first
    reminder.get_by_role("button", name="Pause").focus()
    phone.keyboard.press("Enter")
    resume = phone.locator("li.reminder").first.get_by_role("button", name="Resume")
    expect(resume).to_be_visible()
    expect(resume).to_be_focused()


def test_saving_the_calming_plan_leaves_focus_on_its_folded_section(live_server, phone):
    # Found from outside: the section comes back folded, its Save button hidden, and focus fell
    # to <body>; it goes to the section's summary, where the next press opens it again.
    family_with_a_ladder(phone, live_server, "focus-calming@example.com")
    phone.get_by_text("Change the calming plan").click()
    save = phone.get_by_role("button", name="Save calming plan")
    save.focus()
    phone.keyboard.press("Enter")
    expect(phone.locator("summary", has_text="Change the calming plan")).to_be_focused()


def test_a_step_moved_to_the_top_keeps_focus_and_a_second_enter_leaves_it_there(live_server,
                                                                                 phone):
    # Found from outside: at the top its "up" button was disabled, so focus went to "down" in
    # its place, and pressing Enter again moved the step straight back down.
    family_with_a_ladder(phone, live_server, "focus-top@example.com")
    titles = _titles(phone)
    up = phone.locator("li.step").nth(1).get_by_role("button", name=f"Move {titles[1]} up")
    up.focus()
    phone.keyboard.press("Enter")
    top = phone.locator("li.step").nth(0)
    expect(top.locator(".step-title")).to_contain_text(titles[1])
    expect(top.get_by_role("button", name=f"Move {titles[1]} up")).to_be_focused()
    expect(top.get_by_role("button", name=f"Move {titles[1]} up")).to_have_attribute(
        "aria-disabled", "true")
    phone.keyboard.press("Enter")
    phone.wait_for_load_state("networkidle")
    assert _titles(phone)[:2] == [titles[1], titles[0]]
    expect(phone.locator("li.step").nth(0).get_by_role(
        "button", name=f"Move {titles[1]} up")).to_be_focused()
