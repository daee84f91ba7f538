"""A live server on 127.0.0.1 with a migrated database, and Debian's Chromium via Playwright."""
import shutil
import threading
from pathlib import Path

import pytest
from flask import Flask
from playwright.sync_api import expect
from werkzeug.serving import make_server

from graded_exposure import create_app, schema
from tests.conftest import TEST_HASH_METHOD
from tests.mailbox import Mailbox, start_mailbox

CHROMIUM = "/usr/bin/chromium"
# The suite runs on two processes on two cores: give assertions the same 10 s as actions.
expect.set_options(timeout=10_000)
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


class LiveServer(str):
    """The server's base URL, with the mailbox its emails go to (a real SMTP server) and the
    app it serves (for seeding its database, or changing its config mid-test)."""

    mailbox: Mailbox
    database_url: str
    app: Flask


@pytest.fixture
def prepare_live_app():
    """Change the app before it serves: a test module overrides this to add a test-only route."""
    return lambda app: None


@pytest.fixture
def live_server(tmp_path, prepare_live_app):
    url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    schema.upgrade(url)
    mailbox, controller = start_mailbox()
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test",
                      "PASSWORD_HASH_METHOD": TEST_HASH_METHOD,
                      "MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port})
    prepare_live_app(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    base = LiveServer(f"http://127.0.0.1:{server.server_port}")
    base.mailbox, base.database_url, base.app = mailbox, url, app
    app.config["BASE_URL"] = base  # links in emails lead back to this server
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield base
    server.shutdown()
    controller.stop()
    app.extensions["db_engine"].dispose()


def sign_up(page, base_url: LiveServer, *, name: str, email: str, password: str,
            therapist: bool = False, from_home: bool = False) -> None:
    """Sign up through the real form, then open the emailed link and finish, as a person would."""
    if from_home:
        page.goto(base_url + "/")
        page.get_by_role("link", name="Create an account").click()
    else:
        page.goto(base_url + "/register")
    page.get_by_label("Your name").fill(name)
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(password)
    if therapist:
        page.get_by_text("Therapist", exact=True).click()
    page.get_by_role("button", name="Create account").click()
    expect(page.get_by_role("heading", name="Check your email")).to_be_visible()
    (link,) = [x for x in base_url.mailbox.links(email) if "/register/" in x]
    page.goto(link)
    page.get_by_label("The password you chose").fill(password)
    page.get_by_role("button", name="Finish signing up").click()


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM):
        pytest.fail("Chromium is missing: run `make test`, which installs it")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM, headless=True,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"])
        yield browser
        browser.close()


def _page(browser, javascript: bool):
    context = browser.new_context(viewport=PHONE, java_script_enabled=javascript,
                                  timezone_id="Europe/London", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


# A refused form answers 422 on purpose (htmx swaps it in), yet Chromium logs it as an error.
_REFUSED_FORM = "the server responded with a status of 422"


def _is_error(message) -> bool:
    return message.type == "error" and _REFUSED_FORM not in message.text


@pytest.fixture
def phone(browser):
    context, page = _page(browser, javascript=True)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if _is_error(m) else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the page: {errors}"


@pytest.fixture
def phone_without_js(browser):
    context, page = _page(browser, javascript=False)
    yield page
    context.close()


def screenshot(page, name: str) -> None:
    """Keep a screenshot of what the user saw, for people to look at after a run."""
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


LAPTOP = {"width": 1280, "height": 800}


@pytest.fixture
def laptop(browser):
    """A second browser (its own cookies) at laptop size, for the therapist."""
    context = browser.new_context(viewport=LAPTOP, timezone_id="Europe/London", locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("console", lambda m: errors.append(m.text) if m.type == "error"
            and "status of 422" not in m.text else None)
    yield page
    context.close()
    assert not errors, f"JavaScript errors in the therapist's page: {errors}"


def pytest_collection_modifyitems(items):
    """Keep browser tests on one xdist worker (`--dist loadgroup`): their waits then overlap
    the other worker's CPU-bound tests instead of both workers waiting on Chromium at once."""
    for item in items:
        if item.get_closest_marker("browser"):
            item.add_marker(pytest.mark.xdist_group("browser"))
