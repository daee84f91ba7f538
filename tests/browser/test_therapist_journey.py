"""A therapist on a laptop and a parent on a phone: link, assign a ladder, homework, summary."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import (
    caregiver_accepts,
    create_link_code,
    register_and_add_child,
    register_therapist,
)

pytestmark = pytest.mark.browser

def _assign_ladder_and_homework(page) -> None:
    page.get_by_role("link", name="Home", exact=True).click()
    caseload = page.get_by_role("list", name=re.compile("Linked children"))
    caseload.get_by_role("link", name=re.compile("Mia")).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mia")
    page.get_by_role("link", name="Assign a ladder").first.click()
    page.get_by_text("Whole school day", exact=False).first.click()
    page.get_by_role("button", name="Create ladder").click()
    expect(page.get_by_text(re.compile(r"Made by Dr Tara on"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Mia's ladders")).click()
    # Wait for the list: "← Mia" would otherwise also match the "← Mia's ladders" link still
    # on screen, and the journey would race its own navigation.
    expect(page.get_by_role("heading", level=1)).to_have_text("Mia's ladders")
    page.get_by_role("link", name="← Mia", exact=True).click()
    notes = page.get_by_role("region", name="Notes and homework")
    notes.get_by_label("Homework", exact=True).check()
    notes.get_by_label("Your words to the family").fill(
        "Walk to the school gate together twice before Tuesday.")
    notes.get_by_role("button", name="Send to the family").click()
    expect(notes.get_by_text("Homework sent.")).to_be_visible()
    expect(notes).to_contain_text("not seen yet")
    screenshot(page, "therapist-child-page")


def _caregiver_completes_homework(phone) -> None:
    phone.get_by_role("link", name="Home", exact=True).click()
    feed = phone.get_by_role("region", name="From Mia's therapist")
    expect(feed).to_contain_text("Walk to the school gate together twice before Tuesday.")
    screenshot(phone, "caregiver-home-with-homework")
    feed.get_by_role("button", name=re.compile("^Done")).click()
    expect(feed).to_contain_text("All done.")


def test_therapist_links_assigns_sets_homework_and_reads_the_summary(live_server, laptop, phone):
    register_therapist(laptop, live_server)
    code = create_link_code(laptop)

    register_and_add_child(phone, live_server, "jo-therapy@example.com")
    caregiver_accepts(phone, code)

    _assign_ladder_and_homework(laptop)
    # The family's screen shows the homework; htmx tells the server it was seen.
    with phone.expect_response(lambda r: r.url.endswith("/seen") and r.status == 204):
        phone.get_by_role("link", name="Home", exact=True).click()
    laptop.reload()
    expect(laptop.get_by_role("region", name="Notes and homework")).not_to_contain_text("not seen yet")
    _caregiver_completes_homework(phone)

    laptop.reload()
    expect(laptop.get_by_role("region", name="Notes and homework")).to_contain_text("done")
    laptop.get_by_role("link", name="Since last session").click()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("Mia: since the last session")
    expect(laptop.get_by_role("region", name="Open homework")).to_contain_text(
        "No open homework.")
    screenshot(laptop, "therapist-session-summary")
