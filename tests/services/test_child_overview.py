"""The child's home screen data: active ladder cards and recent practices, in bounded queries."""
from zoneinfo import ZoneInfo

from sqlmodel import Session, delete

from graded_exposure.models import Child, ChildSummary
from graded_exposure.services import child_overview
from tests.factories import add_practices, current_step, make_ladder, practise_on_days
from tests.lookups import counted_statements


def test_cards_show_active_ladders_with_current_step_and_progress(db, family):
    school = make_ladder(db, family.child, goal="School", steps=4, mastered=2)
    make_ladder(db, family.child, goal="Old", status="archived")
    overview = child_overview.for_child(db, family.child)
    [card] = overview.ladders
    assert card.ladder.id == school.id and card.current_step.id == current_step(school).id
    assert (card.mastered, card.total) == (2, 4)


def test_a_fully_mastered_ladder_has_no_current_step(db, family):
    make_ladder(db, family.child, steps=2, mastered=2)
    [card] = child_overview.for_child(db, family.child).ladders
    assert card.current_step is None and card.mastered == card.total == 2


def test_recent_practices_are_the_last_five_newest_first_in_local_time(db, family):
    ladder = make_ladder(db, family.child)
    add_practices(db, family.child, ladder.steps, 12, logged_by_id=family.user.id)
    rows = child_overview.for_child(db, family.child).recent_practices
    assert child_overview.RECENT_PRACTICES == 5
    assert [r.practice.note for r in rows] == [f"p{i}" for i in range(5)]
    assert rows[0].local_time.tzinfo == ZoneInfo("Europe/London")
    assert rows[0].logged_by == "alex"


def _overview_statements(engine, child_id):
    """Load the overview in a fresh session, touching what the page touches; count statements."""
    with Session(engine) as session, counted_statements(engine) as statements:
        overview = child_overview.for_child(session, session.get(Child, child_id))
        for row in overview.recent_practices:
            assert row.step_title
        for card in overview.ladders:
            assert [step.title for step in card.ladder.steps]
    return len(statements), overview


def test_queries_do_not_grow_with_ladders_or_practices(app, db, family):
    engine = app.extensions["db_engine"]
    ladder = make_ladder(db, family.child)
    add_practices(db, family.child, ladder.steps, 3, logged_by_id=family.user.id)
    small, overview = _overview_statements(engine, family.child.id)
    assert (len(overview.ladders), len(overview.recent_practices)) == (1, 3)
    more = [make_ladder(db, family.child, goal=f"Goal {i}", steps=8, mastered=i) for i in range(5)]
    add_practices(db, family.child, [s for lad in more for s in lad.steps], 45, family.user.id)
    large, overview = _overview_statements(engine, family.child.id)
    assert (len(overview.ladders), len(overview.recent_practices)) == (6, 5)
    assert small == large


def _mastery_reads(statements: list[str]) -> list[str]:
    return [s for s in statements if "anon_1.practices, anon_1.seen" in s]


def test_ready_steps_come_from_the_summary_without_reading_practices(app, db, family):
    # A step stuck for long (hundreds of tries that do not count) made the home screen read
    # every one of them on every visit to say it is not ready; the child's summary keeps it.
    engine = app.extensions["db_engine"]
    ready, waiting = make_ladder(db, family.child, goal="Ready"), make_ladder(db, family.child)
    practise_on_days(db, current_step(ready))  # 3 tries at peak 2 on 2 days: meets the rule
    # Peak 6 ending at 5 (not halved) counts for nothing: waits. On a fixed day: practices an
    # hour apart going back from now crossed midnight after 00:00 and made two days.
    practise_on_days(db, current_step(waiting), days=(0, 0, 0, 0), before=5, peak=6, after=5)
    with Session(engine) as session, counted_statements(engine) as statements:
        overview = child_overview.for_child(session, session.get(Child, family.child.id))
    assert [s.id for s in overview.ready_steps] == [current_step(ready).id]
    assert _mastery_reads(statements) == []


def test_without_a_summary_row_ready_steps_are_read_from_the_practices(app, db, family):
    engine = app.extensions["db_engine"]
    ready = make_ladder(db, family.child, goal="Ready")
    practise_on_days(db, current_step(ready))
    db.exec(delete(ChildSummary))
    db.commit()
    with Session(engine) as session, counted_statements(engine) as statements:
        overview = child_overview.for_child(session, session.get(Child, family.child.id))
    assert [s.id for s in overview.ready_steps] == [current_step(ready).id]
    assert _mastery_reads(statements) != []
