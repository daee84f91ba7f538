"""Chromium at the school gate: pages open from the phone, practices and check-ins are queued
offline and saved once when the connection returns; logging out leaves no child data behind.

The network is cut with `context.set_offline(True)`, which in this Chromium also fails the
service worker's own fetches: the first journey asks the worker to send its queue while cut
and checks that nothing reached the server."""
import re
import threading
import urllib.request
from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from flask import request
from playwright.sync_api import expect
from sqlalchemy import create_engine, text
from sqlmodel import Session, select

from graded_exposure.models import Step
from graded_exposure.services import steps
from tests.browser.conftest import PHONE, screenshot
from tests.browser.journeys import FAMILY_PASSWORD, family_with_a_ladder
from tests.conftest import without_tokens

pytestmark = pytest.mark.browser

# What Chromium logs, as errors, about requests the cut network made fail.
_OFFLINE_NOISE = ("ERR_INTERNET_DISCONNECTED", "Failed to load resource", "ERR_FAILED")


class _Hold:
    """Keeps the answer to one path, already rendered, from leaving the server until released:
    a page still on its way when something else happens on the phone."""

    def __init__(self):
        self.path = None
        self.arrived, self.release = threading.Event(), threading.Event()
        self.asked: list[str] = []  # every path the server answered, in order

    def __call__(self, response):
        self.asked.append(request.path)
        if self.path is not None and request.path == self.path:
            self.arrived.set()
            self.release.wait(15)
        return response


@pytest.fixture
def hold():
    held = _Hold()
    yield held
    held.release.set()


@pytest.fixture
def prepare_live_app(hold):
    return lambda app: app.after_request(hold)


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
        with engine.begin() as connection:
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
           "daycheckin": "SELECT count(*) FROM daycheckin",
           "usersession": "SELECT count(*) FROM usersession"}


def _count(live_server, table: str) -> int:
    return _rows(live_server, _COUNTS[table])[0][0]


def test_offline_practice_and_checkin_wait_then_save_once(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "gate@example.com")
    page.context.set_offline(True)

    kept = page.goto(f"{live_server}/children/{child_id}")  # a full load, from the phone
    assert "script-src 'self'" in kept.headers["content-security-policy"]  # as online
    expect(page.get_by_role("status").filter(has_text="Offline")).to_contain_text(
        "What you log now is kept on this phone and sent when you're back online.")
    expect(page.get_by_role("heading", name="Mia")).to_be_visible()
    logged_at = datetime.now(UTC)
    _log_practice(page)
    queue = page.get_by_role("region", name="Saved on this phone")
    expect(queue.locator("[data-state=waiting]")).to_have_count(1)
    expect(queue).to_contain_text("Practice, logged")
    # With its date: a phone can hold tries from several days (found from outside).
    expect(queue).to_contain_text(f"{logged_at.astimezone(ZoneInfo('Europe/London')):%-d %b}")
    expect(queue).to_contain_text("fear 6 → 2")
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


def test_the_quick_path_from_home_works_offline_too(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "quick@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    page.get_by_role("group", name="Or start with how scared Mia was before").get_by_role(
        "button", name="7", exact=True).click()                                    # tap 1
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    expect(page.get_by_role("group", name="How scared before?").get_by_role(
        "radio", name="7")).to_be_checked()  # the kept form, with the tapped rating
    page.get_by_role("group", name="How scared after?").get_by_text("3", exact=True).click()
    page.get_by_role("button", name="Save").click()                                # tap 3
    queue = page.get_by_role("region", name="Saved on this phone")
    expect(queue).to_contain_text("fear 7 → 3")
    assert _count(live_server, "practice") == 0

    page.context.set_offline(False)
    page.goto(f"{live_server}/children/{child_id}")
    expect(queue.locator("[data-state=saved]")).to_have_count(1)
    assert _rows(live_server, "SELECT fear_before, fear_after FROM practice") == [(7, 3)]


def _quick_log(page, before: str, after: str) -> None:
    page.get_by_role("group", name="Or start with how scared Mia was before").get_by_role(
        "button", name=before, exact=True).click()
    page.get_by_role("group", name="How scared after?").get_by_text(after, exact=True).click()
    page.get_by_role("button", name="Save").click()


def test_saved_offline_from_the_front_door_shows_what_waits(gate_phone, live_server):
    """Found from outside: a family that opens the app at / and logs from its card never opens
    the child's home as a page of its own (a save's answer arrives redirected, and is not
    kept). Saved offline, the phone went to "You're offline: this page was not saved on this
    phone", though the practice waited in the queue."""
    page = gate_phone
    child_id = family_with_a_ladder(page, live_server, "door@example.com")
    page.goto(f"{live_server}/")
    _controlled(page)
    _quick_log(page, "4", "2")  # online
    expect(page.get_by_text("Practice saved")).to_be_visible()
    page.goto(f"{live_server}/")  # the app opened again from the phone's home screen
    page.context.set_offline(True)
    _quick_log(page, "6", "3")
    queue = page.get_by_role("region", name="Saved on this phone")
    expect(queue).to_contain_text("fear 6 → 3")
    expect(page.get_by_text("was not saved")).to_have_count(0)
    assert _count(live_server, "practice") == 1

    # A page the phone never kept: the offline page, which shows what waits too ...
    page.goto(f"{live_server}/children/{child_id}/insights")
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    expect(page.get_by_role("region", name="Saved on this phone")).to_contain_text("fear 6 → 3")
    # ... and turns into the page asked for once the signal is back.
    page.context.set_offline(False)
    expect(page.get_by_role("heading", name="You're offline")).to_have_count(0)
    expect(page).to_have_url(f"{live_server}/children/{child_id}/insights")


def test_a_kept_copy_says_when_the_signal_is_back_and_sends_what_waits(gate_phone, live_server):
    """A kept page stays (it may hold a form half filled in) but stops saying "Offline", and
    what waits is sent without opening another page (phones without Background Sync)."""
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "back@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    _quick_log(page, "5", "1")
    # On the child's kept home (the form's copy has a banner too): the item waits there.
    expect(page.get_by_role("region", name="Saved on this phone")).to_contain_text("fear 5 → 1")
    banner = page.locator("body > .offline-banner")
    expect(banner).to_have_text(re.compile("^You're offline"))
    page.context.set_offline(False)
    expect(banner).to_have_text(re.compile("^Back online"))
    expect(page.get_by_role("region", name="Saved on this phone").locator(
        "[data-state=saved]")).to_have_count(1)
    assert _rows(live_server, "SELECT fear_before, fear_after FROM practice") == [(5, 1)]


def test_offline_a_practice_missing_its_fear_after_is_not_queued(gate_phone, live_server):
    """Found from outside: offline, Save with only the fear before was queued as "Waiting",
    then refused once back online, when the parent no longer remembered the numbers."""
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "missing@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    page.get_by_role("group", name="Or start with how scared Mia was before").get_by_role(
        "button", name="3", exact=True).click()
    page.get_by_role("button", name="Save").click()
    after = page.get_by_role("group", name="How scared after?")
    expect(after).to_contain_text("Tap how scared your child was after.")
    assert _queue(page) == []
    after.get_by_text("2", exact=True).click()
    page.get_by_role("button", name="Save").click()
    expect(page.get_by_role("region", name="Saved on this phone")).to_contain_text("fear 3 → 2")


def _cookie_header(page) -> str:
    return "; ".join(f"{c['name']}={c['value']}" for c in page.context.cookies())


def _send_behind_the_phones_back(page, live_server, item) -> int:
    """The queued form reaches the server but its answer never reaches the phone."""
    request = urllib.request.Request(  # noqa: S310 - our own live server
        item["url"], data=item["body"].encode(), method="POST",
        headers={"Content-Type": item["contentType"], "X-Queued-Sync": "1",
                 "X-Queued-At": item["loggedAt"], "Cookie": _cookie_header(page)})
    with urllib.request.urlopen(request) as response:  # noqa: S310 - our own live server
        return response.status


def test_twice_sent_reloaded_and_answer_lost_still_one_row(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "twice@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    page.get_by_role("link", name=re.compile("^Log practice")).first.click()
    page.get_by_role("group", name="How scared before?").get_by_text("7", exact=True).click()
    page.get_by_role("group", name="How scared after?").get_by_text("3", exact=True).click()
    # The same form sent twice by script, then tapped: one form, one item.
    landed = page.evaluate("""async () => {
        const form = document.querySelector("form.practice-form");
        const send = () => fetch(form.action, {method: "POST",
            body: new URLSearchParams(new FormData(form))}).then(r => r.url, () => "failed");
        return [await send(), await send()];
    }""")
    assert landed == [f"{live_server}/children/{child_id}"] * 2
    page.get_by_role("button", name="Save").click()
    queue = page.get_by_role("region", name="Saved on this phone")
    expect(queue.locator("[data-state=waiting]")).to_have_count(1)
    page.reload()  # offline still: from the phone, the queue kept
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    expect(queue.locator("[data-state=waiting]")).to_have_count(1)
    [item] = _queue(page)
    assert item["kind"] == "practice" and item["childId"] == child_id

    assert _send_behind_the_phones_back(page, live_server, item) == 201
    page.context.set_offline(False)
    _send_now(page)  # (Background Sync may have sent it already: the same answer either way)
    expect(queue.locator("[data-state=saved]")).to_have_count(1)
    expect(queue.get_by_role("link", name="Show them in the lists")).to_be_visible()
    assert _count(live_server, "practice") == 1
    queue.get_by_role("link", name="Show them in the lists").click()
    expect(page.locator(".practice-list li")).to_have_count(1)


def _child_data_left(page) -> list[str]:
    """Where the phone still holds the child's name: cached responses, IndexedDB, localStorage."""
    return page.evaluate("""async () => {
        const found = [];
        for (const name of await caches.keys()) {
            const cache = await caches.open(name);
            for (const request of await cache.keys()) {
                const body = await (await cache.match(request)).text();
                if (body.includes("Mia")) { found.push(name + " " + request.url); }
            }
        }
        const items = await new Promise(resolve => {
            const open = indexedDB.open("brave-steps-offline");
            open.onsuccess = () => {
                const db = open.result;
                const all = db.transaction("queue").objectStore("queue").getAll();
                all.onsuccess = () => { db.close(); resolve(all.result); };
            };
        });
        if (items.length) { found.push("indexeddb: " + items.length + " items"); }
        for (let i = 0; i < localStorage.length; i++) {
            const key = localStorage.key(i);
            if ((localStorage.getItem(key) || "").includes("Mia")) { found.push("localStorage " + key); }
        }
        return found;
    }""")


def _delete_current_step(live_server) -> None:
    engine = create_engine(live_server.database_url)
    try:
        with Session(engine) as db:
            step = db.exec(select(Step).where(Step.status == "current")).first()
            steps.delete_step(db, step)
    finally:
        engine.dispose()


def test_a_refused_item_is_shown_and_logging_out_asks_then_clears(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "refused@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    _log_practice(page)
    queue = page.get_by_role("region", name="Saved on this phone")
    expect(queue.locator("[data-state=waiting]")).to_have_count(1)
    _delete_current_step(live_server)  # meanwhile, at home, the step is deleted

    page.context.set_offline(False)
    page.goto(f"{live_server}/children/{child_id}")
    refused = queue.locator("[data-state=refused]")
    expect(refused).to_contain_text("Not saved: the step or the child it was for is no longer")
    expect(refused.get_by_role("button", name="Delete from this phone")).to_be_visible()
    screenshot(page, "offline-refused")
    assert [item["state"] for item in _queue(page)] == ["refused"]  # kept, not dropped
    assert _count(live_server, "practice") == 0
    assert _child_data_left(page)  # the home is kept for offline use

    # The question comes after the worker has listed its queue: wait for it, not for the page.
    page.once("dialog", lambda dialog: dialog.dismiss())
    with page.expect_event("dialog") as asked:
        page.get_by_role("button", name="Log out").click()
    assert "not sent yet" in asked.value.message
    expect(page.get_by_role("heading", name="Mia")).to_be_visible()  # still signed in
    assert len(_queue(page)) == 1

    page.once("dialog", lambda dialog: dialog.accept())
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    assert _child_data_left(page) == []


def test_saved_items_and_pages_go_at_logout_without_asking(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "leave@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    _log_practice(page)
    expect(page.locator("[data-state=waiting]")).to_have_count(1)  # the tap has landed
    page.context.set_offline(False)
    page.goto(f"{live_server}/children/{child_id}")
    expect(page.get_by_role("region", name="Saved on this phone").locator(
        "[data-state=saved]")).to_have_count(1)
    page.on("dialog", lambda dialog: pytest.fail(f"asked: {dialog.message}"))
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    assert _child_data_left(page) == []


def test_logging_out_offline_ends_the_sign_in_once_back_online(gate_phone, live_server):
    """A shared phone at the school gate, no signal: Log out must leave nothing of the child
    on the phone at once, and end the sign-in on the server before the app opens any page
    again, or the next person to open it would be signed in as this family."""
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "shared@example.com")
    assert _count(live_server, "usersession") == 1
    page.context.set_offline(True)
    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_role("heading", name="Logged out on this phone")).to_be_visible()
    expect(page.get_by_text("as soon as this phone is back online")).to_be_visible()
    screenshot(page, "offline-logged-out")
    assert _child_data_left(page) == []
    assert _count(live_server, "usersession") == 1  # the server has not heard yet

    page.context.set_offline(False)
    page.goto(f"{live_server}/children/{child_id}")
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()
    assert "Mia" not in without_tokens(page.content())
    assert _count(live_server, "usersession") == 0
    page.goto(f"{live_server}/children/{child_id}")  # once only: the next visit asks nothing
    expect(page.get_by_role("heading", name="Log in")).to_be_visible()


def test_a_page_still_on_its_way_at_logout_is_not_kept(gate_phone, live_server, hold):
    """The home asks the worker to keep the pages it leads to. One of them, asked for before
    Log out and arriving after the phone forgot the child (a slow signal), must not be kept."""
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "late@example.com")
    checkin = f"{live_server}/children/{child_id}/checkin"
    page.evaluate("url => caches.open('pages').then(cache => cache.delete(url))", checkin)
    hold.path = f"/children/{child_id}/checkin"
    page.goto(f"{live_server}/children/{child_id}")  # the home asks for the check-in again
    assert hold.arrived.wait(10), "the worker never asked for the check-in page"

    page.get_by_role("button", name="Log out").click()
    expect(page.get_by_text("You are logged out.")).to_be_visible()
    hold.release.set()
    for _ in range(8):  # the answer arrives just after: give the worker time to keep it
        page.wait_for_timeout(250)
        assert _child_data_left(page) == []


def test_pages_kept_minutes_ago_are_not_fetched_again_on_every_visit(gate_phone, live_server,
                                                                     hold):
    """The home asks the worker to keep the pages it leads to, fetching only those kept more
    than KEPT_FRESH_MS ago. Found from outside: a kept copy's Date could read as two dates
    joined, which no parser takes, so every visit to the home fetched all of them again."""
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "fresh@example.com")
    checkin = f"/children/{child_id}/checkin"
    page.wait_for_timeout(500)  # the keeping the last visit asked for has finished
    before = hold.asked.count(checkin)
    page.goto(f"{live_server}/children/{child_id}")
    page.wait_for_timeout(1000)
    assert hold.asked.count(checkin) == before


def test_after_the_session_ends_the_item_waits_for_sign_in(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "expired@example.com")
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    _log_practice(page)
    expect(page.locator("[data-state=waiting]")).to_have_count(1)  # the tap has landed
    _rows(live_server, "DELETE FROM usersession RETURNING id")  # the session ends on the server

    page.context.set_offline(False)
    page.goto(f"{live_server}/children/{child_id}")
    expect(page).to_have_url(re.compile(r"/login"))
    page.wait_for_function("caches.has('pages').then(kept => !kept)")  # child pages gone
    [item] = _queue(page)  # the unsent practice stays
    assert item["state"] in ("waiting", "signin")
    page.get_by_label("Email").fill("expired@example.com")
    page.get_by_label("Password").fill(FAMILY_PASSWORD)
    page.get_by_role("button", name="Log in").click()
    expect(page).to_have_url(re.compile(rf"/children/{child_id}$"))  # a boosted log-in, no reload
    expect(page.get_by_role("region", name="Saved on this phone").locator(
        "[data-state=saved]")).to_have_count(1)
    assert _count(live_server, "practice") == 1


# Counts the page's requests to keep its storage (navigator.storage.persist), answered as
# granted: a browser may otherwise clear a site's storage, the unsent queue with it, when the
# phone runs short of space.
_COUNT_PERSIST = """
    window.persistAsked = 0;
    if (navigator.storage) {
        navigator.storage.persist = () => {
            window.persistAsked += 1;
            sessionStorage.setItem("kept", "1");
            return Promise.resolve(true);
        };
        navigator.storage.persisted = () => Promise.resolve(sessionStorage.getItem("kept") === "1");
    }
"""


def test_the_phone_is_asked_to_keep_what_waits_only_once_something_waits(gate_phone, live_server):
    page = gate_phone
    page.add_init_script(_COUNT_PERSIST)
    child_id = _ready_at_the_gate(page, live_server, "keep@example.com")
    assert page.evaluate("window.persistAsked") == 0  # nothing waits: nothing asked
    page.context.set_offline(True)
    page.goto(f"{live_server}/children/{child_id}")
    _log_practice(page)
    expect(page.locator("[data-state=waiting]")).to_have_count(1)
    page.wait_for_function("() => window.persistAsked === 1")
    page.reload()  # granted once: the browser remembers, and persisted() says so
    expect(page.locator("[data-state=waiting]")).to_have_count(1)
    assert page.evaluate("window.persistAsked") == 0


def test_chromium_finds_the_app_installable(gate_phone, live_server):
    page = gate_phone
    _ready_at_the_gate(page, live_server, "install@example.com")
    cdp = page.context.new_cdp_session(page)
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["url"].endswith("/manifest.webmanifest") and not manifest["errors"]
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    # A test context is a private window, where Chromium never offers to install; nothing else
    # (manifest fields, icons, a maskable one, a worker with a fetch handler) may be missing.
    assert [e["errorId"] for e in errors if e["errorId"] != "in-incognito"] == []


def test_a_kept_checkin_form_opened_days_later_is_for_that_day(gate_phone, live_server):
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "later@example.com")
    page.goto(f"{live_server}/children/{child_id}/checkin")
    kept_for = page.get_by_label("Day").input_value()
    page.context.set_offline(True)
    two_days_later = datetime.now(UTC) + timedelta(days=2)
    page.clock.set_fixed_time(two_days_later)
    page.goto(f"{live_server}/children/{child_id}/checkin")
    expect(page.get_by_role("status").filter(has_text="Offline")).to_be_visible()
    expected = two_days_later.astimezone(ZoneInfo("Europe/London")).date().isoformat()
    assert expected > kept_for
    expect(page.get_by_label("Day")).to_have_value(expected)
    expect(page.get_by_label("Day")).to_have_attribute("max", expected)


def test_back_from_the_offline_page_opens_the_kept_page_it_comes_to(gate_phone, live_server):
    """Found from outside: once Back without signal reached a page the phone does not keep
    (the offline page stood in for it), later Backs changed only the address, even to the
    child's home, which the phone keeps. The offline page draws nothing of its own: each
    Back or Forward loads the page it comes to, kept copy or offline page."""
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "back-offline@example.com")
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mia")
    page.locator("main h2 a.tap-link").first.click()  # the ladder page: not kept offline
    expect(page).to_have_url(re.compile(r"/ladders/\d+$"))
    page.get_by_role("link", name="Home", exact=True).click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mia")
    page.evaluate("sessionStorage.removeItem('htmx-history-cache')")  # a tab opened afresh
    page.context.set_offline(True)
    page.go_back()
    expect(page.get_by_role("heading", name="You're offline")).to_be_visible()
    page.go_back()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Mia")
    expect(page.locator("body > .offline-banner")).to_be_visible()
    assert page.url.endswith(("/", f"/children/{child_id}"))
    page.context.set_offline(False)


def test_in_the_child_view_the_phone_keeps_no_grown_ups_page(gate_phone, live_server):
    # Found from outside: offline, the worker served its kept copies of the grown-ups' pages
    # (home, practice form, check-in) to a child who had the phone in child view.
    page = gate_phone
    child_id = _ready_at_the_gate(page, live_server, "child-view-offline@example.com")
    page.get_by_role("button", name=re.compile("child view")).click()
    expect(page.get_by_role("heading", name="Hi, Mia!")).to_be_visible()
    page.wait_for_function("""async () => {
        const kept = await caches.open("pages").then(cache => cache.keys());
        return kept.length === 0;
    }""")
    page.context.set_offline(True)
    for path in ("", "/practices/new", "/checkin"):
        page.goto(f"{live_server}/children/{child_id}{path}")
        expect(page.locator("body.offline-page")).to_have_count(1)
        expect(page.get_by_role("link", name=re.compile("^Log practice"))).to_have_count(0)
    page.context.set_offline(False)
