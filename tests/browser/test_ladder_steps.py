"""On the ladder page: tick small steps, move a step, make a step current, with and without JS.

Each checklist is one form and the pressed button names its item; up and down join their
step's moving form; every "Make this the current step" joins one page-wide form. These check
that the browser sends what the server expects in both modes (htmx swaps, plain posts)."""
import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import screenshot
from tests.browser.journeys import family_with_a_ladder

pytestmark = pytest.mark.browser


def _titles(page) -> list[str]:
    return [t.split(" ", 1)[1] for t in page.locator("li.step .step-title").all_inner_texts()]


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_tick_move_and_make_current_on_the_ladder_page(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    label = "js" if javascript else "nojs"
    family_with_a_ladder(page, live_server, f"steps-{label}@example.com")
    ladder_url = page.url.split("#")[0]

    # Tick the second small step of the first step, then untick it.
    first = page.locator("li.step").first
    first.locator("summary", has_text="Small steps").click()
    items = first.locator(".check-button")
    item = items.nth(1)
    name = item.inner_text().strip()
    item.click()
    first = page.locator("li.step").first
    if not javascript:
        first.locator("summary", has_text="Small steps").click()
    ticked = first.get_by_role("button", name=name)
    expect(ticked).to_have_attribute("aria-pressed", "true")
    expect(first.locator(".check-button").first).to_have_attribute("aria-pressed", "false")
    screenshot(page, f"ladder-ticked-{label}")
    ticked.click()
    first = page.locator("li.step").first
    if not javascript:
        first.locator("summary", has_text="Small steps").click()
    expect(first.get_by_role("button", name=name)).to_have_attribute("aria-pressed", "false")

    # Move the second step down with its arrow, then back to place 2 with the number box.
    titles = _titles(page)
    second = page.locator("li.step").nth(1)
    second.get_by_role("button", name=f"Move {titles[1]} down").click()
    expect(page.locator("li.step").nth(2).locator(".step-title")).to_contain_text(titles[1])
    assert _titles(page) == [titles[0], titles[2], titles[1], *titles[3:]]
    third = page.locator("li.step").nth(2)
    third.get_by_label("Move to place").fill("2")
    third.get_by_role("button", name=f"Move {titles[1]}", exact=True).click()
    expect(page.locator("li.step").nth(1).locator(".step-title")).to_contain_text(titles[1])
    assert _titles(page) == titles

    # Make the top step current: it skips the steps waiting below, so the plan change is
    # confirmed first; then the page says so, with an Undo.
    page.locator("li.step").last.get_by_role("button", name="Make this the current step").click()
    page.get_by_role("button", name="Yes, make it the current step").click()
    expect(page).to_have_url(re.compile(re.escape(ladder_url)))
    expect(page.get_by_text(f"“{titles[-1]}” is now the current step.")).to_be_visible()
    expect(page.locator("li.step").last).to_have_attribute("aria-current", "step")


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_tick_and_remove_small_steps_on_the_step_page(request, live_server, javascript):
    page = request.getfixturevalue("phone" if javascript else "phone_without_js")
    label = "js" if javascript else "nojs"
    family_with_a_ladder(page, live_server, f"step-page-{label}@example.com")
    page.locator("li.step").first.get_by_role("link", name="Edit").click()
    # count() does not wait: wait for the step page before counting its small steps.
    expect(page).to_have_url(re.compile(r"/steps/\d+/edit$"))
    items = page.locator(".check-button")
    expect(items.first).to_be_visible()
    count, first = items.count(), items.first.inner_text().strip()
    assert count > 1
    items.first.click()
    expect(page.locator(".check-button").first).to_have_attribute("aria-pressed", "true")
    # Remove shares the checklist's form and posts to its own item (formaction).
    page.get_by_role("button", name=f"Remove {first}").click()
    expect(page.locator(".check-button")).to_have_count(count - 1)
    expect(page.get_by_role("button", name=f"Remove {first}")).to_have_count(0)
    screenshot(page, f"step-page-removed-{label}")
