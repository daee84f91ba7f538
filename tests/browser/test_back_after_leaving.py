"""Back never shows a page the browser kept from before logging out.

Found from outside: htmx 2 keeps copies of visited pages in sessionStorage and restored them
on Back with no request to the server, so after logging out on a shared computer, Back
showed the child's whole page again; logging out cleared htmx 1's localStorage only. It now
clears both, so Back asks the server, which answers a logged-out visitor with the log-in
page. (A family's pages stay kept while signed in: Back on a phone without signal restores
them. A therapist's pages are never kept: tests/views/test_therapist.py.)
"""
import re

from playwright.sync_api import expect

from tests.browser.journeys import family_with_a_ladder


def test_back_after_logging_out_shows_no_childs_page(phone, live_server):
    family_with_a_ladder(phone, live_server, "back-after-logout@example.com")
    phone.get_by_role("link", name="Home", exact=True).click()
    expect(phone.get_by_role("heading", level=1)).to_contain_text("Mia")
    phone.get_by_role("link", name="Family", exact=True).click()
    expect(phone).to_have_url(re.compile(r"/family$"))
    phone.get_by_role("button", name="Log out").click()
    expect(phone).to_have_url(re.compile(r"/login"))
    kept = phone.evaluate("() => sessionStorage.getItem('htmx-history-cache')")
    assert not kept or "Mia" not in kept
    for _ in range(2):
        phone.go_back()
        phone.wait_for_load_state("load")
        expect(phone.get_by_role("heading", name=re.compile("Mia"))).to_have_count(0)
        assert "Mia" not in phone.locator("main").inner_text()
