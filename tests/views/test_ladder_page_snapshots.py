"""The ladder page, its htmx fragments, the step page and the progress page, rendered for one
fixed ladder and held equal to the HTML stored in tests/views/snapshots/.

These pages were rewritten for speed (issue 10) with the promise that what they show did not
change; the snapshots were taken before the rewrite. Masked CSRF tokens differ on every response
and are blanked; lines holding only whitespace are left out (the templates' tags leave such
lines, and a browser renders the page the same without them); only the <main> of a whole page
is compared, so the shared nav and head may change without touching these. A deliberate change to one of these pages rewrites its snapshot:

    REWRITE_SNAPSHOTS=1 .venv/bin/pytest -q tests/views/test_ladder_page_snapshots.py

and the diff of the snapshot files shows the change for review.
"""
import os
import re
from datetime import timedelta
from pathlib import Path

import pytest

from graded_exposure.models import Practice, Step
from tests.conftest import HX
from tests.factories import PRACTICE_DAY, template_ladder
from tests.hostile_input import SCRIPT

SNAPSHOTS = Path(__file__).parent / "snapshots"
REWRITE = os.environ.get("REWRITE_SNAPSHOTS") == "1"
_TOKEN = re.compile(r'(name="csrf_token" value="|"X-CSRFToken": ")[A-Za-z0-9_-]+')
_BLANK_LINE = re.compile(r"\n[ \t]*(?=\n)")
_DAY = timedelta(days=1)


def _practise(db, ladder, step: Step, fears: list[tuple[int, int, int]], first_day: int,
              outcome: str = "did_it") -> None:
    for n, (before, peak, after) in enumerate(fears):
        db.add(Practice(child_id=ladder.child_id, step_id=step.id, fear_before=before,
                        fear_peak=peak, fear_after=after, outcome=outcome,
                        practiced_at=PRACTICE_DAY + (first_day + n) * _DAY,
                        idempotency_key=f"{step.id}-{first_day}-{n}-{outcome}"))


@pytest.fixture
def ladder(db, family):
    """A school-day ladder with every kind of step the pages show: mastered (one with a long
    history, one with a single practice), a current step that meets its rule, an upcoming step
    practised early, a big jump, hostile text, ticked small steps, a custom calming strategy."""
    ladder = template_ladder(db, family.child, key="school-day", by=family.user)
    first, second, third, fourth, fifth = ladder.steps[:5]
    for n, step in enumerate((first, second)):
        step.status, step.current_since = "mastered", None
        step.mastered_at = PRACTICE_DAY + (30 + n) * _DAY
    third.status = "current"
    fourth.title, fourth.substeps[0].text = SCRIPT, SCRIPT
    fifth.predicted_fear = 10
    first.substeps[0].done = third.substeps[1].done = True
    ladder.calming_plan = [*ladder.calming_plan[:2], "Blow <bubbles> & count"]
    ladder.created_at = PRACTICE_DAY - 40 * _DAY
    ladder.updated_by_id, ladder.updated_at = family.user.id, PRACTICE_DAY + 3 * _DAY
    _practise(db, ladder, first, [(n % 9, (n * 7) % 11, n % 4) for n in range(25)], 0)
    _practise(db, ladder, second, [(6, 7, 3)], 26)
    _practise(db, ladder, third, [(4, 5, 4), (3, 3, 1), (2, 2, 0), (3, 6, 3)], 27)
    _practise(db, ladder, third, [(2, 2, 1)], 31, outcome="avoided")
    _practise(db, ladder, fourth, [(8, 9, 7), (7, 8, 3)], 28)
    db.commit()
    return ladder


def _main(html: str) -> str:
    return html[html.index('<main id="main"'):html.index("</main>") + len("</main>")]


def _matches_snapshot(name: str, response, status: int = 200, whole: bool = False) -> None:
    assert response.status_code == status, response.get_data(as_text=True)[:2000]
    html = response.get_data(as_text=True)
    html = _TOKEN.sub(r"\1CSRF", html if whole else _main(html))
    path = SNAPSHOTS / f"{name}.html"
    if REWRITE:
        path.write_bytes(html.encode())  # bytes: textareas carry "\r\n"
        pytest.skip(f"rewrote {path.name}")
    expected = _BLANK_LINE.sub("", path.read_bytes().decode())
    assert _BLANK_LINE.sub("", html) == expected, f"{name} differs from snapshots/{path.name}"


def test_ladder_page(family, ladder):
    _matches_snapshot("ladder_page", family.client.get(f"/ladders/{ladder.id}"))


def test_archived_ladder_page(db, family, ladder):
    assert family.post(f"/ladders/{ladder.id}/archive").status_code == 303
    # "Changed by alex on <the day it was archived>": a fixed day, not the day the suite runs.
    db.refresh(ladder)
    ladder.updated_at = PRACTICE_DAY + 40 * _DAY
    db.commit()
    _matches_snapshot("ladder_page_archived", family.client.get(f"/ladders/{ladder.id}"))


def test_steps_fragment_after_a_move(family, ladder):
    moved = family.post(f"/steps/{ladder.steps[3].id}/move", {"direction": "up"}, headers=HX)
    _matches_snapshot("steps_after_move", moved, whole=True)


def test_steps_fragment_refusing_a_move(family, ladder):
    refused = family.post(f"/steps/{ladder.steps[3].id}/move", {"direction": "sideways"},
                          headers=HX)
    _matches_snapshot("steps_refused_move", refused, 422, whole=True)


def test_substeps_fragment_after_a_tick(family, ladder):
    step = ladder.steps[2]
    ticked = family.post(f"/steps/{step.id}/substeps/toggle", {"tick": str(step.substeps[0].id)},
                         headers=HX)
    _matches_snapshot("substeps_after_tick", ticked, whole=True)


def test_calming_fragment_refused(family, ladder):
    refused = family.post(f"/ladders/{ladder.id}/calming", {"custom": "x" * 61}, headers=HX)
    _matches_snapshot("calming_refused", refused, 422, whole=True)


def test_step_page(family, ladder):
    _matches_snapshot("step_page", family.client.get(f"/steps/{ladder.steps[3].id}/edit"))


def test_progress_page(family, ladder):
    _matches_snapshot("progress_page", family.client.get(f"/ladders/{ladder.id}/progress"))


def test_archived_progress_page(family, ladder):
    assert family.post(f"/ladders/{ladder.id}/archive").status_code == 303
    _matches_snapshot("progress_page_archived",
                      family.client.get(f"/ladders/{ladder.id}/progress"))
