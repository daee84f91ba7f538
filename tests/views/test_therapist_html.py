"""The therapist's child page, its components and the session summary render exactly as pinned in
tests/views/golden/, for a child with weeks of history under a fixed clock, on both engines.

What loads or renders these pages may be rewritten for speed; what the therapist sees may not
change by accident. After a change meant to be seen, write the files anew and read the diff:
GOLDEN_WRITE=1 .venv/bin/pytest tests/views/test_therapist_html.py
"""
import os
import re
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import time_machine
from sqlmodel import select

from graded_exposure.models import Child, Practice, User
from graded_exposure.services import demo_data, therapist_notes
from tests.conftest import HX, Therapist
from tests.factories import link, make_ladder
from tests.region_names import repeated_names

GOLDEN = Path(__file__).parent / "golden"
NOW = datetime(2026, 3, 18, 17, 30, tzinfo=UTC)  # a Wednesday; London is on GMT
TODAY = date(2026, 3, 18)
LONDON = ZoneInfo("Europe/London")


def _history(db, therapist) -> Child:
    """Mia of the demo family, with more than a page of practices, a second and an archived
    ladder, notes in every state, a reminder to go out, a target and a last session."""
    demo_data.seed(db, TODAY)
    mia = db.exec(select(Child).where(Child.display_name == "Mia")).one()
    carer = db.exec(select(User).where(User.email == demo_data.DEMO_EMAIL)).one()
    sleep = make_ladder(db, mia, goal="Sleep in own bed", area="sleep", steps=3, by=therapist)
    make_ladder(db, mia, goal="Old <ladder> & co", area="social", steps=2, mastered=2,
                status="archived")
    for n in range(16):  # older practices of the sleep ladder's first step: past one page
        when = datetime.combine(TODAY - timedelta(days=60 - 3 * n), time(19, n), LONDON)
        db.add(Practice(
            child_id=mia.id, step_id=sleep.steps[0].id, logged_by_id=carer.id, practiced_at=when,
            fear_before=min(10, 9 - n // 3), fear_peak=min(10, 10 - n // 2),
            fear_after=max(0, 5 - n // 3), outcome=("did_it", "partly", "left_early",
                                                    "did_not_try")[n % 4],
            small_wins=["tried_new"] if n % 5 == 0 else [],
            prediction="I'll cry & <shout>" if n == 15 else "",
            prediction_came_true="partly" if n == 15 else "",
            safety_behaviours="Night light on" if n == 14 else "",
            note="Slept until 3 & came through" if n % 7 == 0 else "",
            idempotency_key=f"golden-{n}"))
    db.commit()
    link(db, therapist, mia, practice_target_days=4, last_session_on=TODAY - timedelta(days=20))
    homework = therapist_notes.write_note(db, mia, therapist, kind="homework",
                                          text="Practise the gate <twice> & log it",
                                          ladder_id=sleep.id)
    done = therapist_notes.write_note(db, mia, therapist, kind="note", text="Great week!")
    therapist_notes.mark_seen(db, homework, NOW)
    therapist_notes.mark_done(db, done, carer, NOW)
    therapist_notes.schedule_family_reminder(db, therapist, mia, message="Log before Friday",
                                             on=TODAY + timedelta(days=2), at="18:00")
    return mia


_TOKENS = (re.compile(r'(name="csrf_token"[^>]*value=")[^"]+'),
           re.compile(r'("X-CSRFToken": ")[^"]+'))


def _masked(html: str) -> str:
    """The page without its CSRF tokens, which are masked afresh for every response."""
    for token in _TOKENS:
        html = token.sub(r"\1TOKEN", html)
    return html


_MAIN = re.compile(r"<main\b.*</main>", re.S)


def _main(html: str) -> str:
    """A whole page's <main> (its head and nav change with every stylesheet and script: not
    this test's business); a component as it is."""
    found = _MAIN.search(html)
    return found.group(0) + "\n" if found else html


def _pinned(name: str, html: str) -> None:
    html = _main(html)
    path = GOLDEN / f"{name}.html"
    if os.environ.get("GOLDEN_WRITE"):
        path.parent.mkdir(exist_ok=True)
        path.write_bytes(html.encode())
    # Bytes: a textarea's value starts with "\r\n", which reading as text would turn into "\n".
    assert html == path.read_bytes().decode(), f"{name} differs from {path} (see the docstring)"


@pytest.fixture
def pages(app, db):
    """The therapist's client and the child's page URL, with the clock stopped at NOW."""
    with time_machine.travel(NOW, tick=False):
        tara = Therapist(app, db)
        mia = _history(db, tara.user)
        yield tara, f"/therapist/children/{mia.id}"


REQUESTS = [
    ("child", "GET", "", None, {}),
    ("child_page_2", "GET", "?page=2", None, {}),
    ("summary", "GET", "/summary", None, {}),
    # A form refused without JavaScript: the whole page again, errors beside the fields.
    ("child_note_refused", "POST", "/notes", {"kind": "homework", "text": " "}, {}),
    # Refused and accepted through htmx: the component alone.
    ("notes_refused", "POST", "/notes", {"kind": "x", "ladder_id": "999", "text": "a" * 2001},
     HX),
    ("target_refused", "POST", "/target", {"practice_target_days": "9"}, HX),
    ("session_refused", "POST", "/last-session", {"last_session_on": "18/03/2026"}, HX),
    ("reminder_refused", "POST", "/reminders", {"message": "", "on": "someday", "at": "25:00"},
     HX),
    ("reminder_saved", "POST", "/reminders",
     {"message": "Bring the <star> chart", "on": "2026-03-19", "at": "07:45"}, HX),
    ("notes_saved", "POST", "/notes", {"kind": "note", "ladder_id": "", "text": "Well done"}, HX),
]


@pytest.mark.parametrize("name, method, path, data, headers", REQUESTS,
                         ids=[r[0] for r in REQUESTS])
def test_the_page_renders_as_pinned(pages, name, method, path, data, headers):
    tara, url = pages
    if method == "GET":
        response = tara.client.get(url + path, headers=headers)
    else:
        response = tara.post(url + path, data, headers=headers)
    assert response.status_code in (200, 422), response.status_code
    _pinned(name, _masked(response.get_data(as_text=True)))


def test_the_pinned_pages_show_what_they_are_about():
    # A guard on the guard: the golden files hold the history, not an error page.
    child = (GOLDEN / "child.html").read_text()
    assert "Practise the gate &lt;twice&gt; &amp; log it" in child and "Older →" in child
    assert 'id="fear-chart-' in child and "Sleep in own bed" in child
    assert "(1 archived)" in child and "Log before Friday" in child
    summary = (GOLDEN / "summary.html").read_text()
    assert "Fear per step" in summary and "Slept until 3 &amp; came through" in summary


def test_no_two_regions_of_a_pinned_page_share_a_name():
    # Found from outside (axe, landmark-unique): every scrolling table was a region named
    # "Table (scrolls sideways on small screens)". They are named by their captions.
    for page in GOLDEN.glob("*.html"):
        assert repeated_names(page.read_text()) == [], page.name
