"""How the caseload summary's row reads a child's data (what it holds: test_caseload_summary.py)."""
from datetime import timedelta

import pytest

from graded_exposure.models import ChildSummary, Practice, utcnow
from graded_exposure.services import child_summary, ladders, steps, two_voices
from tests.factories import template_ladder
from tests.lookups import counted_statements
from tests.query_plans import SQLITE_PLANS, plan_of


@pytest.mark.sqlite_only(SQLITE_PLANS)
def test_the_rows_head_reads_the_latest_check_in_and_hopeless_day_through_indexes(db, family):
    # Rebuilt in every check-in's commit: it read all of a child's check-ins for these two,
    # 550 us at two years of them, 11 us through the indexes.
    plan = plan_of(db.connection(), child_summary.HEAD, {"child_id": family.child.id})
    assert "ix_daycheckin_child_updated" in plan and "ix_daycheckin_child_hopeless" in plan, plan


def _whole_history(statements: list[str]) -> list[str]:
    """The statements that read every practice a child ever logged (the row's history)."""
    marks = ("min(practice.practiced_at)", "CAST(practice.small_wins")
    return [s for s in statements if any(mark in s for mark in marks)]


@pytest.fixture
def tried(app, db, family):
    """A step, and a practice on it with the caregiver's numbers."""
    step = template_ladder(db, family.child, by=family.user).steps[0]
    practice = Practice(child_id=family.child.id, step_id=step.id, practiced_at=utcnow(),
                        fear_before=6, fear_peak=7, fear_after=3, outcome="did_it",
                        caregiver_rated=True, idempotency_key="tried")
    db.add(practice)
    db.commit()
    return step, practice


def _statements_of(app, change) -> list[str]:
    with counted_statements(app.extensions["db_engine"]) as statements:
        change()
    return statements


def test_writes_the_row_does_not_read_leave_the_history_unread(app, db, family, tried):
    # A note on a practice, the child's faces beside the caregiver's numbers, a step renamed, a
    # ladder archived: each rebuilt the row's practice days from every practice ever logged.
    step, practice = tried

    def note():
        practice.note = "Held my hand"
        db.commit()

    def step_renamed():
        steps.update_step(db, step, title="Wear the uniform", detail=step.detail,
                          predicted_fear=step.predicted_fear, social_story=step.social_story)

    for change in (note, lambda: two_voices.add_child_rating(db, practice, 4, 2), step_renamed,
                   lambda: ladders.archive_ladder(db, step.ladder)):
        assert _whole_history(_statements_of(app, change)) == []


def test_a_changed_fear_recounts_the_history(app, db, family, tried):
    _, practice = tried

    def peak():
        practice.fear_before = 8  # 8 faced: one star more
        db.commit()

    assert _whole_history(_statements_of(app, peak)) != []


def _fear_windows(statements: list[str]) -> list[str]:
    """The statements that read a step's newest tried practices (insights.fear_windows)."""
    return [s for s in statements
            if s.startswith("SELECT practice.step_id, practice.practiced_at, practice.fear_")]


def _mastery_reads(statements: list[str]) -> list[str]:
    """The statements that read a step's practices against its mastery rule."""
    return [s for s in statements if "anon_1.practices, anon_1.seen" in s]


def _log(db, family, step, moment, peak: int, key: str, after: int = 1):
    def log():
        db.add(Practice(child_id=family.child.id, step_id=step.id, practiced_at=moment,
                        fear_before=peak, fear_peak=peak, fear_after=after, outcome="did_it",
                        caregiver_rated=True, idempotency_key=key))
        db.commit()
    return log


def test_a_practice_on_a_listed_step_folds_into_its_stored_fear_window(app, db, family, tried):
    # Every logged practice read its step's newest five to tell whether fear is falling: the
    # row keeps that window for the steps it lists (the current one), so the next one is added.
    step, practice = tried
    later = practice.practiced_at + timedelta(minutes=5)
    assert _fear_windows(_statements_of(app, _log(db, family, step, later, 5, "next"))) == []
    stored = db.get(ChildSummary, family.child.id)
    db.refresh(stored)
    assert stored.steps[0][8][1] == [7, 5]
    assert stored.steps == child_summary.summary_of(db.connection(), family.child.id)["steps"]


def test_a_practice_logged_before_the_windows_newest_reads_the_window(app, db, family, tried):
    step, practice = tried
    earlier = practice.practiced_at - timedelta(days=1)
    assert _fear_windows(_statements_of(app, _log(db, family, step, earlier, 5, "late"))) != []
    stored = db.get(ChildSummary, family.child.id)
    db.refresh(stored)
    assert stored.steps[0][8][1] == [5, 7]  # oldest first: the late one goes before
    assert stored.steps == child_summary.summary_of(db.connection(), family.child.id)["steps"]


def test_a_row_stored_before_fear_windows_reads_the_window_once(app, db, family, tried):
    # Rows written before the steps kept their windows (eight fields) still fold correctly.
    step, practice = tried
    stored = db.get(ChildSummary, family.child.id)
    stored.steps = [entry[:8] for entry in stored.steps]
    db.commit()
    later = practice.practiced_at + timedelta(minutes=5)
    assert _fear_windows(_statements_of(app, _log(db, family, step, later, 5, "next"))) != []
    db.refresh(stored)
    assert stored.steps == child_summary.summary_of(db.connection(), family.child.id)["steps"]


def _ready(db, child_id: int) -> bool:
    stored = db.get(ChildSummary, child_id)
    db.refresh(stored)
    assert stored.steps == child_summary.summary_of(db.connection(), child_id)["steps"]
    return stored.steps[0][9]


def test_a_current_steps_readiness_is_kept_and_read_only_when_a_try_could_change_it(
        app, db, family, tried):
    # The home screen asked on every visit whether each current step meets its rule (3 tries
    # at peak 3 or below, or fear halved, on 2 days), reading the step's practices: after long
    # on a step, every older one. The row keeps the answer; a try that does not count leaves it.
    step, practice = tried  # peak 7, after 3: does not count
    first = practice.practiced_at
    assert _ready(db, family.child.id) is False
    stays = _statements_of(app, _log(db, family, step, first + timedelta(minutes=1), 8, "a", 6))
    assert _mastery_reads(stays) == [] and _ready(db, family.child.id) is False
    for n, day in enumerate((0, 0, 1)):  # counting tries: read each time, ready on the third
        moment = first + timedelta(days=day, minutes=2 + n)
        counts = _statements_of(app, _log(db, family, step, moment, 2, f"c{n}"))
        assert _mastery_reads(counts) != []
    assert _ready(db, family.child.id) is True
    later = first + timedelta(days=1, minutes=30)
    assert _mastery_reads(_statements_of(app, _log(db, family, step, later, 2, "d"))) == []
    assert _ready(db, family.child.id) is True


def test_a_write_rolled_back_leaves_nothing_for_the_next_commit_to_fold(db, family, tried):
    # A flush notes what it wrote for the commit's refresh; a rollback takes the writes back,
    # and must take the notes too, or the next commit of the same session folds a practice that
    # was never stored into the row (here: into its step's fear window).
    step, practice = tried
    db.add(Practice(child_id=family.child.id, step_id=step.id,
                    practiced_at=practice.practiced_at + timedelta(minutes=5), fear_before=5,
                    fear_peak=5, fear_after=2, outcome="did_it", idempotency_key="rolled-back"))
    db.flush()
    db.rollback()
    family.child.display_name = "Sam"
    db.add(family.child)
    db.commit()
    _assert_row_is_the_recount(db, family.child.id)


def test_a_savepoint_rolled_back_leaves_the_rest_of_the_transaction_noted(db, family, tried):
    # Writes before the savepoint stay and are refreshed at the commit; the one inside it is
    # gone, and the row is rebuilt from what is stored rather than folding it.
    step, practice = tried
    kept = _logged(family, step, practice.practiced_at + timedelta(minutes=5), 5, "kept")
    db.add(kept)
    db.flush()
    with db.begin_nested() as savepoint:
        db.add(_logged(family, step, practice.practiced_at + timedelta(minutes=9), 9, "undone"))
        db.flush()
        savepoint.rollback()
    db.commit()
    stored = _assert_row_is_the_recount(db, family.child.id)
    assert stored.steps[0][8][1] == [7, 5]


def _logged(family, step, moment, peak: int, key: str) -> Practice:
    return Practice(child_id=family.child.id, step_id=step.id, practiced_at=moment,
                    fear_before=peak, fear_peak=peak, fear_after=1, outcome="did_it", idempotency_key=key)


def _assert_row_is_the_recount(db, child_id: int) -> ChildSummary:
    stored = db.get(ChildSummary, child_id)
    db.refresh(stored)
    fresh = child_summary.summary_of(db.connection(), child_id)
    assert {k: getattr(stored, k) for k in fresh} == fresh
    return stored
