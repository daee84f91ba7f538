"""axe-core (WCAG 2.0/2.1/2.2 A and AA) on every main page, at phone width, light and dark."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.axe_scan import BLOCKING, violations
from tests.browser.journeys import (
    FAMILY_PASSWORD,
    caregiver_accepts,
    create_link_code,
    family_with_a_ladder,
    log_practice_in_three_taps,
    open_child_mode,
    register_and_add_child,
    register_therapist,
)

pytestmark = pytest.mark.browser


def _scan(page, name: str, found: list) -> None:
    """Record every violation on the page once loaded, light and dark, under its name."""
    page.wait_for_load_state("networkidle")
    found += [(name, *violation) for violation in violations(page)]


def _visit(page, url: str, name: str, found: list) -> None:
    page.goto(url)
    _scan(page, name, found)


def _check_in(page) -> None:
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name="Today's check-in").first.click()
    page.get_by_role("group", name="How calm or upset was your child today?").get_by_text(
        "3", exact=True).click()
    page.get_by_role("group", name="And how stressed were you?").get_by_text(
        "4", exact=True).click()
    page.get_by_role("button", name="Save check-in").click()
    expect(page.get_by_text("Check-in saved")).to_be_visible()


def test_main_pages_have_no_serious_accessibility_violations(live_server, phone):
    found = []
    for path, name in [("/", "landing"), ("/register", "register"), ("/login", "login")]:
        _visit(phone, live_server + path, name, found)

    child_id = family_with_a_ladder(phone, live_server, "axe@example.com")
    ladder_url = phone.url
    ladder_id = int(re.search(r"/ladders/(\d+)", ladder_url).group(1))
    log_practice_in_three_taps(phone)
    _check_in(phone)

    child = f"{live_server}/children/{child_id}"
    pages = [(child, "child home"), (f"{child}/practices/new", "practice form"),
             (f"{child}/checkin", "check-in form"), (ladder_url, "ladder"),
             (f"{live_server}/ladders/{ladder_id}/progress", "ladder progress"),
             (f"{child}/insights", "insights"), (f"{child}/week", "weekly summary"),
             (f"{child}/calendar", "opportunity calendar"),
             (f"{live_server}/family", "family"), (f"{live_server}/reminders", "reminders"),
             (f"{child}/rerate", "re-rating"),
             (f"{live_server}/inbox", "inbox")]
    for url, name in pages:
        _visit(phone, url, name, found)

    open_child_mode(phone)
    _scan(phone, "child view", found)
    phone.get_by_role("link", name="I’m going to try this!").first.click()
    phone.get_by_role("link", name="Calm my body first").click()
    expect(phone.get_by_role("heading", name="Calm my body")).to_be_visible()
    _scan(phone, "child view calm first", found)
    phone.get_by_role("link", name="I’m ready").click()
    expect(phone).to_have_url(re.compile(r"\?calm="))
    _scan(phone, "child view try after calming", found)
    phone.get_by_role("link", name="Grown-ups").click()
    expect(phone.get_by_role("heading", name="Grown-ups only")).to_be_visible()
    _scan(phone, "child view exit", found)
    phone.get_by_label("Your password").fill(FAMILY_PASSWORD)
    phone.get_by_role("button", name="Leave the child view").click()
    expect(phone).to_have_url(re.compile(rf"/children/{child_id}$"))

    for violation in found:  # every finding, minor ones too, for people to read
        print(" | ".join(violation))
    blocking = [v for v in found if v[2] in BLOCKING]
    assert not blocking, "\n".join(" | ".join(v) for v in blocking)


def test_therapist_pages_have_no_serious_accessibility_violations(live_server, laptop, phone):
    """The therapist's side, at laptop width (where therapists work) and at phone width."""
    register_therapist(laptop, live_server)
    code = create_link_code(laptop)
    register_and_add_child(phone, live_server, "axe-family@example.com")
    caregiver_accepts(phone, code)

    found = []
    _visit(laptop, live_server + "/", "caseload", found)
    laptop.get_by_role("link", name="Mia").first.click()
    laptop.wait_for_url(re.compile(r"/therapist/children/\d+$"))
    child_url = laptop.url
    pages = [(child_url, "therapist child page"), (f"{child_url}/summary", "session summary"),
             (f"{live_server}/links", "therapist links"),
             (f"{child_url}/sessions/new", "session record form")]
    for url, name in pages:
        _visit(laptop, url, name, found)
    laptop.set_viewport_size({"width": 360, "height": 800})
    for url, name in [(live_server + "/", "caseload (phone)"), (child_url, "child page (phone)"),
                      (f"{child_url}/sessions/new", "session record form (phone)")]:
        _visit(laptop, url, name, found)
    _visit(phone, f"{live_server}/family/sharing", "family sharing", found)
    _visit(phone, f"{live_server}/family/audit", "family audit log", found)

    for violation in found:
        print(" | ".join(violation))
    blocking = [v for v in found if v[2] in BLOCKING]
    assert not blocking, "\n".join(" | ".join(v) for v in blocking)


def test_plan_pages_have_no_serious_accessibility_violations(live_server, phone):
    """The parent-led plan (SPACE): choosing, writing, changing, telling and tracking."""
    found = []
    register_and_add_child(phone, live_server, "axe-plan@example.com")
    child = re.search(r"(/children/\d+)/", phone.url).group(1)
    plan = f"{live_server}{child}/plan"
    _visit(phone, plan, "plan (none yet)", found)
    _visit(phone, f"{plan}/new", "plan form", found)
    phone.get_by_role("radio", name=re.compile("Something else")).check()
    phone.get_by_label("Your own target").fill("Sleeping in our bed")
    phone.get_by_label("This is something we do for comfort").check()
    phone.get_by_label("What will you do instead?").fill("We walk you back to your bed")
    phone.get_by_label("Acceptance: the fear is real").fill("I know this is hard")
    phone.get_by_label("Confidence: your child can cope").fill("I know you can do it")
    phone.get_by_label("If your child gets very upset, what will you do?").fill("Stay close")
    phone.get_by_role("button", name="Save the plan").click()
    expect(phone.get_by_role("heading", name="Sleeping in our bed")).to_be_visible()
    for url, name in [(plan, "plan"), (f"{plan}/edit", "plan change form"),
                      (f"{plan}/announcement", "announcement"),
                      (f"{live_server}{child}/checkin", "check-in with the plan")]:
        _visit(phone, url, name, found)
    for violation in found:
        print(" | ".join(violation))
    blocking = [v for v in found if v[2] in BLOCKING]
    assert not blocking, "\n".join(" | ".join(v) for v in blocking)


# WCAG's contrast ratio of two computed "rgb(r, g, b)" colours.
CONTRAST = """([fg, bg]) => {
  const lum = (css) => {
    const [r, g, b] = css.match(/[\\d.]+/g).slice(0, 3).map(Number).map((c) => c / 255)
      .map((c) => c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4);
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const [a, b] = [lum(fg), lum(bg)].sort((x, y) => y - x);
  return (a + 0.05) / (b + 0.05);
}"""


def test_every_chosen_fear_level_is_readable(live_server, phone):
    """The number a parent taps stays readable once chosen, at every level, light and dark
    (axe sees only what is ticked on a page: levels 0 to 6 read 3.1-3.6:1, found from outside)."""
    child_id = family_with_a_ladder(phone, live_server, "levels@example.com")
    phone.goto(f"{live_server}/children/{child_id}/practices/new")
    group = phone.get_by_role("group", name="How scared after?")
    ratios = {}
    for scheme in ("light", "dark"):
        phone.emulate_media(color_scheme=scheme)
        for level in range(11):
            group.get_by_text(str(level), exact=True).click()
            chosen = group.locator("input:checked + span")
            colours = chosen.evaluate("s => [getComputedStyle(s).color, "
                                      "getComputedStyle(s).backgroundColor]")
            ratios[scheme, level] = round(phone.evaluate(CONTRAST, colours), 2)
    low = {key: ratio for key, ratio in ratios.items() if ratio < 4.5}
    assert not low, f"chosen levels under 4.5:1: {low}"
