"""What people do in the browser, step by step, shared by several browser test modules."""
import re

from playwright.sync_api import expect

from tests.browser.conftest import sign_up
from tests.conftest import PASSWORD
from tests.main_pages import CAREGIVER, NOBODY, THERAPIST, MainPage, MainPages

FAMILY_PASSWORD = "our family walks to school"


def register_and_add_child(page, base_url, email) -> None:
    """Sign up from the landing page as Jo and add Mia; stop on the new-ladder page."""
    sign_up(page, base_url, name="Jo", email=email, password=FAMILY_PASSWORD, from_home=True)
    expect(page.get_by_role("heading", name="Add a child")).to_be_visible()
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/children/\d+/ladders/new"))


def ladder_from_template(page) -> None:
    """On the new-ladder page, build the "Whole school day" ladder."""
    page.get_by_text("Whole school day", exact=False).first.click()
    page.get_by_role("button", name="Create ladder").click()
    expect(page.get_by_role("heading", level=1)).to_contain_text("school")


def family_with_a_ladder(page, base_url, email) -> int:
    """Sign up as Jo, add Mia, build a ladder from a template; return Mia's id."""
    sign_up(page, base_url, name="Jo", email=email, password=FAMILY_PASSWORD)
    page.get_by_label("Name or nickname").fill("Mia")
    page.get_by_role("button", name="Add child").click()
    expect(page).to_have_url(re.compile(r"/children/\d+/ladders/new"))
    child_id = int(re.search(r"/children/(\d+)/", page.url).group(1))
    ladder_from_template(page)
    return child_id


def log_practice_in_three_taps(page, before="6", after="2") -> int:
    """From the home screen: fear before on the current step's card, fear after, Save.

    Returns the number of taps it took (every click goes through `tap`)."""
    taps = 0

    def tap(target) -> None:
        nonlocal taps
        target.click()
        taps += 1

    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("group", name=re.compile("^Or start with how scared")).first.get_by_role(
        "button", name=before, exact=True).click()
    taps += 1
    after_group = page.get_by_role("group", name="How scared after?")
    tap(after_group.get_by_text(after, exact=True))
    save = page.get_by_role("button", name="Save")
    expect(save).to_be_in_viewport()  # no scrolling past scales to find it
    tap(save)
    expect(page.get_by_text("Practice saved")).to_be_visible()
    return taps


def open_child_mode(page) -> None:
    """From the home screen, hand the phone to the child."""
    page.get_by_role("link", name="Home", exact=True).click()
    page.get_by_role("button", name=re.compile("child view")).click()
    expect(page).to_have_url(re.compile(r"/children/\d+/brave$"))


def register_therapist(page, base_url) -> None:
    """Sign up from the landing page as Dr Tara, a therapist; stop on the caseload."""
    sign_up(page, base_url, name="Dr Tara", email="tara@example.com",
            password="helping families every day", therapist=True, from_home=True)
    expect(page.get_by_role("heading", name="Your caseload")).to_be_visible()


def create_link_code(page) -> str:
    """As the therapist, create a link code; return it."""
    page.get_by_role("link", name="Link a family").click()
    page.get_by_role("button", name="Create a link code").click()
    code = page.locator(".link-code-value strong").inner_text().strip()
    assert re.fullmatch(r"[A-Z0-9-]{8,9}", code), code
    return code


def caregiver_accepts(phone, code: str) -> None:
    """As Mia's caregiver, check the therapist's code and agree to share Mia."""
    phone.get_by_role("link", name="Family", exact=True).click()
    phone.get_by_role("link", name="Sharing with a therapist").click()
    phone.get_by_role("textbox", name="Code from your therapist").fill(code)
    phone.get_by_role("button", name="Check the code").click()
    expect(phone.get_by_role("heading", name="Share Mia with Dr Tara?")).to_be_visible()
    phone.get_by_role("button", name="I agree: share Mia").click()
    expect(phone.get_by_text("the therapist can now see Mia")).to_be_visible()


def log_in(page, base_url: str, email: str) -> None:
    """Log in through the form with the suite's password; stop on the home page."""
    page.goto(base_url + "/login")
    page.get_by_label("Email").fill(email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(base_url + "/")


def each_main_page(browser, base_url: str, seeded: MainPages, viewport: dict,
                   pages: list[MainPage] | None = None):
    """Open every main page (or `pages`) as the person who opens it, at `viewport`: yield the
    browser page and the main page, each loaded."""
    emails = {CAREGIVER: seeded.family.user.email, THERAPIST: seeded.therapist.user.email}
    for who in (NOBODY, CAREGIVER, THERAPIST):
        context = browser.new_context(viewport=viewport, timezone_id="Europe/London")
        page = context.new_page()
        if who != NOBODY:
            log_in(page, base_url, emails[who])
        for main_page in (p for p in pages or seeded.pages if p.who == who):
            page.goto(base_url + main_page.path)
            yield page, main_page
        context.close()
