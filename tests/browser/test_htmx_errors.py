"""Errors reach htmx users: an expired form, a step deleted elsewhere, a server error, no signal."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import ARTIFACTS, PHONE, sign_up
from tests.browser.journeys import FAMILY_PASSWORD, family_with_a_ladder

pytestmark = pytest.mark.browser

SMALL_PHONE = {"width": 360, "height": 740}


@pytest.fixture
def prepare_live_app():
    """Give the app under test a route that fails; the real app must never have one."""
    def add_failing_route(app):
        @app.get("/_test/boom")
        def boom():
            raise RuntimeError("a bug, on purpose")
    return add_failing_route


@pytest.fixture
def allowed_console_errors():
    """Console errors a test provokes on purpose: browsers and htmx log each failed request."""
    return []


@pytest.fixture
def phone(browser, live_server, allowed_console_errors):
    """Like the shared phone, but the failures a test provokes may show in its console.

    It closes before the live server stops, so no late request (a favicon) fails on the way out.
    """
    context = browser.new_context(viewport=PHONE, timezone_id="Europe/London", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    uncaught, logged = [], []
    page.on("pageerror", lambda e: uncaught.append(str(e)))
    page.on("console", lambda m: logged.append(m.text) if m.type == "error" else None)
    yield page
    context.close()
    unexpected = [text for text in logged
                  if not any(re.search(pattern, text) for pattern in allowed_console_errors)]
    assert not uncaught and not unexpected, f"JavaScript errors in the page: {uncaught + unexpected}"


def _failed_request(status: int) -> list[str]:
    return [rf"the server responded with a status of {status}\b",
            rf"^Response Status Error Code {status} from "]


def _htmx_ready(page) -> None:
    """Wait for htmx itself: a heading can show before the deferred scripts have run."""
    page.wait_for_function("() => window.htmx !== undefined")


def _add_htmx_button(page, label: str, url: str) -> None:
    """Put a button on the page that asks for `url` through htmx, as a partial request."""
    _htmx_ready(page)
    page.evaluate("""([label, url]) => {
        const button = document.createElement("button");
        button.type = "button";
        button.textContent = label;
        button.setAttribute("hx-get", url);
        button.setAttribute("hx-swap", "none");
        document.querySelector("main").append(button);
        htmx.process(button);
    }""", [label, url])


def _keep_screenshots(page, name: str) -> None:
    """What the person sees at 360 px, in light and dark mode (the viewport, not the whole page)."""
    ARTIFACTS.mkdir(exist_ok=True)
    for scheme in ("light", "dark"):
        page.emulate_media(color_scheme=scheme)
        page.screenshot(path=str(ARTIFACTS / f"htmx-error-{name}-{scheme}.png"))
    page.emulate_media(color_scheme="light")


def test_an_expired_form_says_so_and_reloads(phone, live_server, allowed_console_errors):
    allowed_console_errors.extend(_failed_request(400))
    page = phone
    sign_up(page, live_server, name="Jo", email="jo@example.com", password=FAMILY_PASSWORD)
    page.get_by_label("Name or nickname").fill("Mia")
    # As if the page were older than the session (logged out and in again in another tab).
    _htmx_ready(page)
    page.evaluate("""() => {
        document.querySelectorAll("input[name=csrf_token]").forEach((i) => { i.value = "old"; });
        document.body.setAttribute("hx-headers", JSON.stringify({"X-CSRFToken": "old"}));
    }""")
    page.get_by_role("button", name="Add child").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This page has expired. Reload it and try again.")
    expect(page.get_by_label("Name or nickname")).to_have_value("Mia")  # typed words are kept
    page.set_viewport_size(SMALL_PHONE)
    _keep_screenshots(page, "expired")

    alert.get_by_role("link", name="Reload the page").click()
    expect(page.get_by_role("heading", name="Add a child")).to_be_visible()
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/children/\d+/ladders/new"))


def test_a_step_deleted_elsewhere_cannot_be_found(phone, live_server, allowed_console_errors):
    allowed_console_errors.extend(_failed_request(404))
    page = phone
    family_with_a_ladder(page, live_server, "jo@example.com")
    step = page.locator("li.step").last
    title = step.locator(".step-title").inner_text()
    step_id = step.get_attribute("id").removeprefix("step-")
    token = page.locator("input[name=csrf_token]").first.input_value()
    deleted = page.request.post(f"{live_server}/steps/{step_id}/delete",
                                form={"csrf_token": token})  # as if from another phone
    assert deleted.ok

    step.get_by_role("button", name=re.compile(r"^Move .* up$")).click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("We could not find that. It may have been deleted")
    expect(alert.get_by_role("link", name="Back to home")).to_be_visible()
    page.set_viewport_size(SMALL_PHONE)
    _keep_screenshots(page, "not-found")

    alert.get_by_role("link", name="Reload the page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("school")
    expect(page.locator("#steps")).not_to_contain_text(title.split(" ", 1)[1])


def test_a_server_error_is_calm_and_offers_a_reload(phone, live_server, allowed_console_errors):
    allowed_console_errors.extend(_failed_request(500))
    page = phone
    page.goto(live_server + "/login")
    _add_htmx_button(page, "Try the broken thing", "/_test/boom")
    page.get_by_role("button", name="Try the broken thing").click()

    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("Something went wrong on our side. Nothing you did caused it")
    expect(alert).not_to_contain_text("a bug, on purpose")
    expect(alert.get_by_role("link", name="Reload the page")).to_have_attribute("href", "/login")
    page.get_by_role("button", name="Close").click()
    expect(alert).to_be_empty()
    expect(page.get_by_role("button", name="Close")).to_be_hidden()


def test_a_boosted_link_to_a_missing_page_shows_the_error_page(phone, live_server,
                                                                allowed_console_errors):
    allowed_console_errors.extend(_failed_request(404))
    page = phone
    page.goto(live_server + "/login")
    _htmx_ready(page)
    page.evaluate("""() => {
        const link = Object.assign(document.createElement("a"), {href: "/no-such-page"});
        link.textContent = "An old bookmark";
        document.querySelector("main").append(link);
        htmx.process(link);
    }""")
    page.get_by_role("link", name="An old bookmark").click()
    expect(page.get_by_role("heading", level=1, name="We could not find that page.")).to_be_visible()
    expect(page).to_have_url(live_server + "/no-such-page")
    page.get_by_role("link", name="Back to home").click()
    expect(page).to_have_url(live_server + "/")


def test_no_signal_says_nothing_was_saved(phone, live_server, allowed_console_errors):
    allowed_console_errors.extend([r"net::ERR_INTERNET_DISCONNECTED", r"^htmx:sendError",
                                   r"^htmx:afterRequest"])
    page = phone
    family_with_a_ladder(page, live_server, "jo@example.com")
    step = page.locator("li.step").last
    title = step.locator(".step-title").inner_text()
    name = title.split(" ", 1)[1]  # without its number
    step.get_by_label("Move to place").fill("1")
    move = step.get_by_role("button", name=f"Move {name}", exact=True)  # not up or down

    page.context.set_offline(True)
    move.click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("You seem to be offline. Nothing was saved; "
                                  "try again when you have signal.")
    page.set_viewport_size(SMALL_PHONE)
    _keep_screenshots(page, "offline")

    page.context.set_offline(False)
    move.click()  # a new try clears the old message
    expect(alert).to_be_empty()
    expect(page.locator("li.step").first.locator(".step-title")).to_contain_text(name)


def test_a_session_ended_elsewhere_leads_to_the_login_page(phone, live_server,
                                                           allowed_console_errors):
    allowed_console_errors.extend([*_failed_request(400), r"status of 401\b"])
    page = phone
    sign_up(page, live_server, name="Jo", email="jo@example.com", password=FAMILY_PASSWORD)
    expect(page.get_by_role("heading", name="Add a child")).to_be_visible()
    token = page.locator("input[name=csrf_token]").first.input_value()
    page.request.post(f"{live_server}/logout", form={"csrf_token": token})  # in another tab

    # The form's token belonged to the session that ended: the page has expired.
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()
    alert = page.get_by_role("alert")
    expect(alert).to_contain_text("This page has expired. Reload it and try again.")
    alert.get_by_role("link", name="Reload the page").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Log in")

    # A partial request while logged out: the server answers 401 with HX-Redirect to log in.
    _add_htmx_button(page, "See the family", "/family")
    page.get_by_role("button", name="See the family").click()
    expect(page).to_have_url(re.compile(r"/login\?next=/family"))


def test_a_boosted_log_in_brings_a_fresh_token_for_htmx(phone, live_server):
    page = phone
    sign_up(page, live_server, name="Jo", email="jo@example.com", password=FAMILY_PASSWORD)
    expect(page.get_by_role("heading", name="Add a child")).to_be_visible()
    # A request with no form of its own sends only the X-CSRFToken header from <body>.
    _htmx_ready(page)
    status = page.evaluate("""() => new Promise((resolve) => {
        document.body.addEventListener("htmx:afterRequest",
                                       (event) => resolve(event.detail.xhr.status), {once: true});
        htmx.ajax("POST", "/children/new", {source: document.body, swap: "none",
                                            values: {display_name: "Mia"}});
    })""")
    assert status == 200  # the child is added and the ladder page follows; not 400 "expired"
    expect(page.get_by_role("alert")).to_be_empty()


def test_an_email_limit_shows_its_calm_page_not_a_failure(phone, live_server,
                                                           allowed_console_errors):
    allowed_console_errors.extend(_failed_request(429))
    page = phone
    for _ in range(4):  # three reset emails an hour to one address, then the limit
        page.goto(live_server + "/reset")
        _htmx_ready(page)
        page.get_by_label("Email").fill("someone@example.com")
        page.get_by_role("button", name="Email me a link").click()
        expect(page.get_by_role("heading", level=1)).to_be_visible()
    expect(page.get_by_text("try again in 1 hour")).to_be_visible()
    expect(page.locator("#request-problem-message")).to_be_empty()
