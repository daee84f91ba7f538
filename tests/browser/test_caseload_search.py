"""A therapist with a larger caseload searches, filters and prints it, by keyboard."""
import re
from pathlib import Path

import pytest
from playwright.sync_api import expect
from sqlmodel import Session, select

from graded_exposure.db import make_engine
from graded_exposure.models import User
from tests.browser.conftest import screenshot
from tests.browser.journeys import register_therapist
from tests.factories import busy_child, link, quick_family_child

pytestmark = pytest.mark.browser
SHOTS = Path("/tmp/shots-caseload")


def _seed_caseload(url: str, children: int) -> None:
    engine = make_engine(url)
    with Session(engine) as db:
        tara = db.exec(select(User).where(User.email == "tara@example.com")).one()
        busy_child(db, 0, tara)
        for n in range(1, children):
            link(db, tara, quick_family_child(db, n), practice_target_days=1 + n % 5)
    engine.dispose()


def _shots(page, name: str) -> None:
    """Light and dark, at the page's width, into /tmp/shots-caseload (for people to look at)."""
    SHOTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(SHOTS / f"{name}-{scheme}.png"))
    page.emulate_media(color_scheme="light")


def test_therapist_searches_the_caseload_by_keyboard_and_prints_it(live_server, laptop):
    register_therapist(laptop, live_server)
    _seed_caseload(live_server.database_url, 60)
    laptop.goto(live_server + "/")
    caseload = laptop.get_by_role("list", name=re.compile("Linked children"))
    expect(laptop.locator("#caseload-count")).to_contain_text("60 children")
    _shots(laptop, "caseload-1280")
    search = laptop.get_by_label("Name contains")
    search.focus()
    laptop.keyboard.type("child 00")
    expect(laptop.locator("#caseload-count")).to_contain_text("10 of 60 children match")
    expect(caseload.get_by_role("listitem").filter(
        has=laptop.get_by_role("heading"))).to_have_count(10)
    assert "q=child%2000" in laptop.url
    laptop.get_by_label("Sort by").select_option("last_activity")
    expect(laptop).to_have_url(re.compile(r"sort=last_activity"))
    expect(caseload.get_by_role("heading").first).to_contain_text("Child 000")
    laptop.get_by_label("Show").select_option("avoidance_rising")
    expect(laptop.get_by_text("No child matches this search.")).to_be_visible()
    expect(laptop).to_have_url(re.compile(r"flag=avoidance_rising"))
    laptop.goto(live_server + "/?all=1")
    expect(caseload.get_by_role("heading")).to_have_count(60)
    laptop.emulate_media(media="print")
    expect(laptop.get_by_role("search")).to_be_hidden()
    laptop.screenshot(path=str(SHOTS / "caseload-print.png"))
    laptop.emulate_media(media="screen")
    laptop.set_viewport_size({"width": 390, "height": 844})
    laptop.goto(live_server + "/?sort=x")
    expect(laptop.get_by_text("Choose an order from the list.")).to_be_visible()
    _shots(laptop, "caseload-390-refused")
    laptop.goto(live_server + "/")
    _shots(laptop, "caseload-390")
    laptop.set_viewport_size({"width": 360, "height": 800})
    _shots(laptop, "caseload-360")
    screenshot(laptop, "therapist-caseload-search")


def test_a_child_clicked_after_searching_keeps_its_own_address(live_server, laptop):
    # Found from outside: leaving the name box fired a second search ("change"), which raced
    # the click on a child: the child's page showed under the caseload's address, so reload
    # or a bookmark opened the caseload.
    register_therapist(laptop, live_server)
    _seed_caseload(live_server.database_url, 12)
    laptop.goto(live_server + "/")
    laptop.get_by_label("Name contains").fill("child 01")
    expect(laptop.locator("#caseload-count")).to_contain_text("of 12 children")
    laptop.wait_for_timeout(800)  # the search has settled
    searches = []
    laptop.on("request", lambda r: searches.append(r.url) if "q=" in r.url else None)
    laptop.get_by_role("link", name=re.compile("Child 010")).click()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("Child 010")
    laptop.wait_for_timeout(800)
    expect(laptop).to_have_url(re.compile(r"/therapist/children/\d+$"))
    assert searches == []
    laptop.reload()
    expect(laptop.get_by_role("heading", level=1)).to_contain_text("Child 010")
