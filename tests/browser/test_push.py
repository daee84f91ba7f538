"""Chromium: the service worker shows a pushed reminder; the settings page offers push with JS."""
import json
import re
import time

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import PHONE, screenshot, sign_up

pytestmark = pytest.mark.browser


@pytest.fixture
def notifying_phone(browser, live_server):
    """A phone page whose browser has already allowed notifications for the app."""
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB")
    context.grant_permissions(["notifications"], origin=live_server)
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def _registration_id(cdp, scope: str) -> str:
    """Ask DevTools for the service worker registration of this scope."""
    found = {}

    def updated(event):
        for registration in event["registrations"]:
            if registration["scopeURL"] == scope and not registration["isDeleted"]:
                found["id"] = registration["registrationId"]

    cdp.on("ServiceWorker.workerRegistrationUpdated", updated)
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while "id" not in found and time.monotonic() < deadline:
        cdp.send("Runtime.evaluate", {"expression": "1"})  # lets pending events arrive
        time.sleep(0.05)
    assert "id" in found, "DevTools reported no service worker registration for " + scope
    return found["id"]


def test_a_pushed_reminder_is_shown_as_a_notification(notifying_phone, live_server):
    page = notifying_phone
    page.goto(live_server + "/login")
    scope = page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.register('/sw.js');
        await navigator.serviceWorker.ready;
        // A push delivered while the worker is still activating can be dropped.
        const worker = registration.active;
        if (worker.state !== 'activated') {
            await new Promise(done => worker.addEventListener(
                'statechange', () => worker.state === 'activated' && done()));
        }
        return registration.scope;
    }""")
    assert scope == live_server + "/"

    cdp = page.context.new_cdp_session(page)
    payload = {"title": "Time to practise", "body": "A small brave step today?",
               "url": "/inbox"}
    cdp.send("ServiceWorker.deliverPushMessage", {
        "origin": live_server, "registrationId": _registration_id(cdp, scope),
        "data": json.dumps(payload)})

    shown = page.evaluate("""async () => {
        const registration = await navigator.serviceWorker.ready;
        for (let i = 0; i < 300; i++) {  // up to 15 s: on a busy CI machine 5 s was too short
            const notifications = await registration.getNotifications();
            if (notifications.length) {
                return notifications.map(n => ({title: n.title, body: n.body, url: n.data.url}));
            }
            await new Promise(resolve => setTimeout(resolve, 50));
        }
        return [];
    }""")
    assert shown == [{"title": "Time to practise", "body": "A small brave step today?",
                      "url": live_server + "/inbox"}]


def _register(page, base_url, email):
    sign_up(page, base_url, name="Jo", email=email, password="our family walks to school")
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/children/\d+/ladders/new"))


def test_settings_page_offers_notifications_only_with_javascript(notifying_phone,
                                                                  phone_without_js, live_server):
    page = notifying_phone
    _register(page, live_server, "push-js@example.com")
    page.get_by_role("link", name="Inbox").click()
    page.get_by_role("link", name="Reminder settings").click()
    card = page.locator("#push-settings")
    expect(card).to_be_visible()
    expect(card.get_by_role("status")).to_have_text("Notifications are off for this browser.")
    expect(card.get_by_role("button", name="Turn on notifications")).to_be_visible()
    screenshot(page, "push-settings-js")

    _register(phone_without_js, live_server, "push-nojs@example.com")
    phone_without_js.goto(live_server + "/reminders")
    expect(phone_without_js.get_by_role("heading", name="Reminders")).to_be_visible()
    expect(phone_without_js.locator("#push-settings")).to_be_hidden()
