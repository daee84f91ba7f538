"""Inviting a co-caregiver from a phone where no mail server is set up: the page says no email
went out and offers Copy and Share (Web Share API); the join page says who invites to which
family. Screenshots at 360 and 390 px, light and dark, in test-artifacts/."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import register_and_add_child

pytestmark = pytest.mark.browser

# Chromium on Linux has no Web Share API: stand in for the phone's share sheet.
FAKE_SHARE = "navigator.share = (data) => { window.sharedData = data; return Promise.resolve(); };"


def _invite(phone, base_url) -> str:
    register_and_add_child(phone, base_url, "jo@example.com")
    base_url.app.config["MAIL_SERVER"] = ""  # from here on, emails only reach the log
    phone.goto(base_url + "/family")
    phone.get_by_label("Email").fill("sam@example.com")
    phone.get_by_role("button", name="Create invite link").click()
    expect(phone.get_by_role("heading", name="Invite link ready")).to_be_visible()
    expect(phone.get_by_text("No email was sent")).to_be_visible()
    return phone.get_by_label("Invite link").input_value()


def test_copy_and_share_the_invite_link_then_join(live_server, phone, browser):
    phone.context.grant_permissions(["clipboard-read", "clipboard-write"], origin=live_server)
    phone.add_init_script(FAKE_SHARE)
    link = _invite(phone, live_server)
    assert re.fullmatch(re.escape(live_server) + r"/join/[A-Za-z0-9_-]+", link)
    assert live_server.mailbox.to("sam@example.com") == []
    phone.get_by_role("button", name="Copy link").click()
    expect(phone.locator("[data-copy-status]")).to_have_text(
        "Copied. Paste it into a message to the person you invite.")
    assert phone.evaluate("navigator.clipboard.readText()") == link
    phone.get_by_role("button", name="Share link").click()
    expect(phone.locator("[data-copy-status]")).to_have_text("Shared.")
    assert phone.evaluate("window.sharedData.url") == link
    for width in (360, 390):
        phone.set_viewport_size({"width": width, "height": 800})
        for scheme in ("light", "dark"):
            phone.emulate_media(color_scheme=scheme)
            screenshot(phone, f"invite-link-{width}-{scheme}")
    phone.emulate_media(color_scheme="light")

    guest = browser.new_context(viewport={"width": 390, "height": 844})
    sam = guest.new_page()
    sam.goto(link)
    expect(sam.locator("#invited-by")).to_contain_text("Jo invited you to help with Mia")
    screenshot(sam, "join-390-light")
    sam.get_by_label("Your name").fill("Sam")
    sam.get_by_label("Email").fill("sam@example.com")
    sam.get_by_label("Password").fill("sam walks to school")
    sam.get_by_role("button", name="Create account and join").click()
    expect(sam.get_by_text("Welcome to the family!")).to_be_visible()
    guest.close()


def test_without_javascript_the_link_is_there_to_select(live_server, phone, browser):
    link = _invite(phone, live_server)
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    context.add_cookies(phone.context.cookies())
    page = context.new_page()
    page.goto(live_server + "/family")
    page.get_by_role("button", name="Create invite link").click()
    expect(page.get_by_label("Invite link")).to_have_attribute("readonly", "")
    assert page.get_by_label("Invite link").input_value() != link  # a new one each time
    expect(page.get_by_role("button", name="Copy link")).to_be_hidden()
    expect(page.get_by_role("button", name="Share link")).to_be_hidden()
    context.close()
