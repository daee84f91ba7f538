"""Chromium at the school gate: pages open from the phone, practices and check-ins are queued
offline and saved once when the connection returns; logging out leaves no child data behind.

The network is cut with `context.set_offline(True)`, which in this Chromium also fails the
service worker's own fetches: the first journey asks the worker to send its queue while cut
and checks that nothing reached the server."""
import re
from datetime import UTC, datetime, timedelta

import pytest
from playwright.sync_api import expect
from sqlalchemy import create_engine, text

from tests.browser.conftest import PHONE, screenshot
from tests.browser.journeys import family_with_a_ladder

pytestmark = pytest.mark.browser

# What Chromium logs, as errors, about requests the cut network made fail.
_OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "Failed to load resource", "ERR_FAILED")


@pytest.fixture
def gate_phone(browser):
    """A phone with JavaScript whose network the test cuts and restores."""
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" and not any(
        noise in m.text for noise in _OFFLINE_NOISE) else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


def _rows(live_server, sql: str) -> list:
    engine = create_engine(live_server.database_url)
    try:
        with engine.connect() as connection:
            return connection.execute(text(sql)).all()
    finally:
        engine.dispose()


def _controlled(page) -> None:
    """Wait until the service worker controls the page (its caches are ready)."""
    page.wait_for_function("navigator.serviceWorker.controller !== null")


def _ready_at_the_gate(page, live_server, email) -> int:
    """A family with a ladder whose phone has opened its child's pages once, online."""
    child_id = family_with_a_ladder(page, live_server, email)
    page.goto(f"{live_server}/children/{child_id}")
    _controlled(page)
    page.reload()  # now through the worker, which keeps the home and the pages it leads to
    page.get_by_role("link", name=re.compile("^Log practice")).first.click()
    expect(page.get_by_role("heading", name="Log a practice")).to_be_visible()
    page.goto(f"{live_server}/children/{child_id}/checkin")
    page.goto(f"{live_server}/children/{child_id}")
    return child_id


def _queue(page) -> list[dict]:
    """What the worker holds in IndexedDB."""
    return page.evaluate("""() => new Promise((resolve, reject) => {
        const open = indexedDB.open("brave-steps-offline");
        open.onsuccess = () => {
            const db = open.result;
            if (!db.objectStoreNames.contains("queue")) { db.close(); resolve([]); return; }
            const all = db.transaction("queue").objectStore("queue").getAll();
            all.onsuccess = () => { db.close(); resolve(all.result); };
            all.onerror = () => reject(all.error);
        };
        open.onerror = () => reject(open.error);
    })""")


def _log_practice(page, before="6", after="2") -> None:
    page.get_by_role("link", name=re.compile("^Log practice")).first.click()
    page.get_by_role("group", name="How scared before?").get_by_text(before, exact=True).click()
    page.get_by_role("group", name="How scared after?").get_by_text(after, exact=True).click()
    page.get_by_role("button", name="Save").click()


def _log_checkin(page, child_id, live_server) -> None:
    page.goto(f"{live_server}/children/{child_id}/checkin")
    page.get_by_role("group", name="How calm or upset was your child today?").get_by_text(
        "3", exact=True).click()
    page.get_by_role("group", name="And how stressed were you?").get_by_text("5", exact=True).click()
    page.get_by_role("button", name="Save check-in").click()


def _send_now(page) -> None:
    """Ask the worker to send what waits, as a signed-in page does on load, and wait for it."""
    page.evaluate("""() => new Promise(resolve => {
        const channel = new MessageChannel();
        channel.port1.onmessage = () => resolve();
        const headers = JSON.parse(document.body.getAttribute("hx-headers"));
        navigator.serviceWorker.controller.postMessage({type: "signed-in",
            account: document.body.dataset.account, csrf: headers["X-CSRFToken"]}, [channel.port2]);
    })""")


_COUNTS = {"practice": "SELECT count(*) FROM practice",
           "daycheckin": "SELECT count(*) FROM daycheckin"}


def _count(live_server, table: str) -> int:
    return _rows(live_server, _COUNTS[table])[0][0]


def test_offline_practice_and_checkin_wait_then_save_once(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "gate@example.com")
    page.context.set_offline(True)

    page.goto(f"{live_server}/children/{child_id}")  # a full load, from the phone
    expect(page.get_by_role("status").filter(has_text="Offline")).to_contain_text(
        "saved on this phone until you're back online")
    expect(page.get_by_role("heading", name="Mia")).to_be_visible()
    logged_at = datetime.now(UTC)
    _log_practice(page)
    queue = page.get_by_role("region", name="Saved on this phone")
    expect(queue.locator("[data-state=waiting]")).to_have_count(1)
    expect(queue).to_contain_text("Practice, logged")
    expect(queue).to_contain_text("Waiting: saved on this phone")
    screenshot(page, "offline-practice-waiting")
    _log_checkin(page, child_id, live_server)
    expect(queue.locator("[data-state=waiting]")).to_have_count(2)
    expect(queue).to_contain_text("Day check-in, logged")

    _send_now(page)  # the worker tries: its own requests fail while the network is cut
    assert _count(live_server, "practice") == _count(live_server, "daycheckin") == 0
    assert {item["state"] for item in _queue(page)} == {"waiting"}

    page.wait_for_timeout(3000)  # the practice happened then, not when it is sent
    reconnected = datetime.now(UTC)
    page.context.set_offline(False)
    page.goto(f"{live_server}/children/{child_id}")
    expect(queue.locator("[data-state=saved]")).to_have_count(2)
    expect(queue.locator("[data-state=waiting]")).to_have_count(0)
    screenshot(page, "offline-saved")
    [(practiced_at,)] = _rows(live_server, "SELECT practiced_at FROM practice")
    practiced_at = datetime.fromisoformat(str(practiced_at)).replace(tzinfo=UTC)
    assert logged_at - timedelta(seconds=1) < practiced_at < reconnected - timedelta(seconds=1)
    assert _count(live_server, "daycheckin") == 1
