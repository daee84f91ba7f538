"""A parent on a phone: register, add a child, build a ladder from a template, log a practice."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot, sign_up

pytestmark = pytest.mark.browser


def _register_and_add_child(page, base_url, email):
    sign_up(page, base_url, name="Jo", email=email, password="our family walks to school",
            from_home=True)
    expect(page.get_by_role("heading", name="Add a child")).to_be_visible()
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/children/\d+/ladders/new"))


def _ladder_from_template(page):
    page.get_by_text("Whole school day", exact=False).first.click()
    page.get_by_role("button", name="Create ladder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("school")


def _log_practice_in_three_taps(page):
    """From the home screen: Log practice, then fear before, fear after, Save."""
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("link", name=re.compile("^Log practice")).first.click()
    before = page.get_by_role("group", name="How scared before?")
    after = page.get_by_role("group", name="How scared after?")
    before.get_by_text("6", exact=True).click()        # tap 1
    after.get_by_text("2", exact=True).click()         # tap 2
    page.get_by_role("button", name="Save").click()    # tap 3
    expect(page.get_by_text("Practice saved")).to_be_visible()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_register_build_ladder_and_log_a_practice(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    label = "js" if javascript else "nojs"
    _register_and_add_child(page, live_server, f"jo-{label}@example.com")
    screenshot(page, f"1-new-ladder-{label}")
    _ladder_from_template(page)
    screenshot(page, f"2-ladder-{label}")
    _log_practice_in_three_taps(page)
    recent = page.get_by_role("region", name="Recent practices")
    expect(recent).to_contain_text("6")
    expect(recent).to_contain_text("2")
    screenshot(page, f"3-home-after-practice-{label}")
