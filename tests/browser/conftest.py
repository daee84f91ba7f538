"""A live server on 127.0.0.1 with a migrated database, and Debian's Chromium via Playwright."""
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from graded_exposure import create_app, schema
from tests.conftest import TEST_HASH_METHOD

CHROMIUM = "/usr/bin/chromium"
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
PHONE = {"width": 390, "height": 844}


@pytest.fixture
def live_server(tmp_path):
    url = f"sqlite:///{tmp_path / 'browser.sqlite'}"
    schema.upgrade(url)
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "browser-test",
                      "PASSWORD_HASH_METHOD": TEST_HASH_METHOD})
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    app.extensions["db_engine"].dispose()


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
