"""A parent on a phone: register, add a child, build a ladder from a template, log a practice."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot

pytestmark = pytest.mark.browser


def _register_and_add_child(page, base_url, email):
    page.goto(base_url + "/")
    page.get_by_role("link", name="Create an account").click()
    page.get_by_label("Your name").fill("Jo")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill("our family walks to school")
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Add a child")).to_be_visible()
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_register_and_add_child(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    _register_and_add_child(page, live_server, f"jo-{javascript}@example.com")
    expect(page).to_have_url(re.compile(r"/children/\d+/ladders/new"))
    screenshot(page, f"after-add-child-{'js' if javascript else 'nojs'}")
