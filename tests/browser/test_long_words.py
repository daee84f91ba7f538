"""No page is wider than a phone, whatever the family typed: a long unbroken word (a German
compound, a web address in a step's title, a name with no spaces) wraps instead of pushing the
page sideways. Found from outside: 32 of 33 pages overflowed at 360 px with such text (the
ladder page to 9,553 px), 21 with ordinary long words and addresses; the therapist's session
form was 370 px wide with ordinary text."""
import itertools

import pytest
from sqlalchemy import update
from sqlmodel import Session

from graded_exposure.models import Child, Ladder, Step, SubStep, TherapistNote
from tests.browser.journeys import each_main_page, register_and_add_child
from tests.main_pages import THERAPIST, MainPage, seed_main_pages

pytestmark = pytest.mark.browser
NARROW = {"width": 360, "height": 740}
NAME = "Wolfeschlegelsteinhausenbergerdorffvoral"  # 40 letters, the longest name allowed
GOAL = "Donaudampfschifffahrtsgesellschaftskapitänsmützenaufbewahrungsschrank" * 2
ADDRESS = "www.calm.example/breathe-with-the-bear-four-seven-eight-method-for-bedtime-and-school"
WIDEST = """() => {
  const over = [...document.querySelectorAll('body *')].filter((el) =>
    el.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
    .slice(0, 4).map((el) => el.tagName.toLowerCase() + (el.className ? '.' + el.className : ''));
  return {width: document.documentElement.scrollWidth, over};
}"""


def test_every_main_page_fits_a_phone_with_long_unbroken_words(live_server, browser):
    with Session(live_server.app.extensions["db_engine"], expire_on_commit=False) as db:
        seeded = seed_main_pages(live_server.app, db)
        for statement in (update(Child).values(display_name=NAME),
                          update(Ladder).values(goal=GOAL[:120]),
                          update(Step).values(title=ADDRESS[:120], detail=GOAL,
                                              social_story=GOAL),
                          update(SubStep).values(text=ADDRESS[:120]),
                          update(TherapistNote).values(text=GOAL)):
            db.exec(statement)
        db.commit()
    child = seeded.family.child.id
    pages = [*seeded.pages, MainPage("session record", f"/therapist/children/{child}/sessions/new",
                                     THERAPIST)]
    wide = []
    for page, main_page in each_main_page(browser, live_server, seeded, NARROW, pages):
        found = page.evaluate(WIDEST)
        if found["width"] > NARROW["width"]:
            wide.append(f"{main_page.name} ({main_page.path}): {found['width']} px, "
                        f"past the edge: {', '.join(found['over'])}")
    assert not wide, f"{len(wide)} pages wider than {NARROW['width']} px:\n" + "\n".join(wide)


SWITCH = """() => [...document.querySelectorAll('.child-switch a')].map((a) => {
  const box = a.getBoundingClientRect();
  return {text: a.scrollWidth - a.clientWidth, left: box.left, right: box.right};
})"""


def test_the_child_switcher_keeps_each_name_inside_its_own_button(live_server, phone):
    # Found from outside: with a second child of a long name, the switcher's buttons shrank
    # below their names, and the long name was printed across its neighbour's at 360 px.
    register_and_add_child(phone, live_server, "two-children@example.com")
    phone.goto(live_server + "/children/new")
    phone.get_by_label("Name or nickname").fill(NAME)
    phone.get_by_role("button", name="Add child").click()
    phone.goto(live_server + "/")
    pills = phone.evaluate(SWITCH)
    assert len(pills) == 2
    assert all(pill["text"] <= 1 for pill in pills), pills  # no name runs out of its button
    assert pills[0]["right"] <= pills[1]["left"], pills  # and no button runs over the next


def test_every_main_page_fits_a_phone_with_text_at_twice_its_size(live_server, browser):
    # Found from outside: at 125 % text and more the reminder settings' "Quiet until" went off
    # the screen, and the session record's Clicked / Partly / Didn't buttons never wrapped.
    with Session(live_server.app.extensions["db_engine"], expire_on_commit=False) as db:
        seeded = seed_main_pages(live_server.app, db)
    child = seeded.family.child.id
    pages = [*seeded.pages, MainPage("session record", f"/therapist/children/{child}/sessions/new",
                                     THERAPIST)]
    wide = []
    for page, main_page in each_main_page(browser, live_server, seeded, NARROW, pages):
        page.evaluate("document.documentElement.style.fontSize = '200%'")
        found = page.evaluate(WIDEST)
        if found["width"] > NARROW["width"]:
            wide.append(f"{main_page.name} ({main_page.path}): {found['width']} px, "
                        f"past the edge: {', '.join(found['over'])}")
    assert not wide, f"{len(wide)} pages wider than {NARROW['width']} px:\n" + "\n".join(wide)


CHECK_ROWS = """() => [...document.querySelectorAll('.check')].filter(row => row.offsetParent)
  .map(row => {
    const box = row.getBoundingClientRect(), input = row.querySelector('input').getBoundingClientRect();
    return {top: box.top, bottom: box.bottom, inputTop: input.top,
            em: parseFloat(getComputedStyle(row).fontSize)};
  })"""


def test_a_checkbox_with_a_label_of_several_lines_stays_at_its_first_line(live_server, phone):
    # Found from outside: at 200 % text each "Emails I want" box sat at the middle of its tall
    # label, level with the end of the label above, so it was unclear which box was which.
    phone.set_viewport_size(NARROW)
    register_and_add_child(phone, live_server, "check-rows@example.com")
    phone.goto(live_server + "/reminders")
    phone.evaluate("document.documentElement.style.fontSize = '200%'")
    rows = phone.evaluate(CHECK_ROWS)
    assert len(rows) >= 5
    for row in rows:
        assert row["inputTop"] - row["top"] < row["em"], row
    for above, below in itertools.pairwise(rows):
        assert above["bottom"] <= below["top"] + 1, (above, below)
