"""The practices service without HTTP: log once per key, validate, edit, delete, list."""
from datetime import datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import inspect
from sqlmodel import Session, select

from graded_exposure.errors import DomainError
from graded_exposure.models import AuditEvent, Practice, utcnow
from graded_exposure.services import practices
from graded_exposure.services.practices import PracticeDetails
from tests.factories import current_step, make_ladder
from tests.lookups import counted_statements, practice_count


def key() -> str:
    return uuid4().hex


def log(db, family, step, **details):
    data = PracticeDetails(**{"fear_before": 6, "fear_after": 3, **details})
    return practices.log_practice(db, family.child, step, family.user, data, key())


def test_log_practice_stores_what_was_entered(db, family):
    step = current_step(make_ladder(db, family.child))
    practice = log(db, family, step, fear_peak=8, outcome="partly", note=" Brave! ",
                   small_wins=["laughed"], calming_used=["Slow breathing", "Slow breathing"])
    stored = db.get(Practice, practice.id)
    assert (stored.child_id, stored.step_id, stored.logged_by_id) == (
        family.child.id, step.id, family.user.id)
    assert (stored.fear_before, stored.fear_peak, stored.fear_after) == (6, 8, 3)
    assert (stored.outcome, stored.note, stored.small_wins) == ("partly", "Brave!", ["laughed"])
    assert stored.calming_used == ["Slow breathing"]
    assert abs(stored.practiced_at - utcnow()) < timedelta(seconds=5)


def test_the_logged_practice_is_the_sessions_object_as_stored(app, db, family):
    # log_practice stores a practice with one INSERT, not a flush, and hands back the object
    # as if loaded: in the session, clean, every column as the database holds it.
    step = current_step(make_ladder(db, family.child))
    practice = log(db, family, step, fear_peak=8, prediction="They will laugh",
                   expected_likelihood=75, small_wins=["laughed"])
    assert db.get(Practice, practice.id) is practice
    assert practice not in db.dirty and practice not in db.new
    assert inspect(practice).unloaded == {"step"}  # no column left to load again
    assert practice.step is step
    with Session(app.extensions["db_engine"]) as fresh:
        stored = fresh.get(Practice, practice.id)
        columns = Practice.__table__.columns.keys()
        assert {c: getattr(practice, c) for c in columns} == {c: getattr(stored, c)
                                                              for c in columns}


def test_peak_defaults_to_the_higher_of_before_and_after(db, family):
    step = current_step(make_ladder(db, family.child))
    assert log(db, family, step, fear_before=2, fear_after=5).fear_peak == 5


def test_same_key_twice_returns_the_same_row_and_stores_one(db, family):
    step = current_step(make_ladder(db, family.child))
    same = key()
    data = PracticeDetails(fear_before=6, fear_after=3)
    first = practices.log_practice(db, family.child, step, family.user, data, same)
    second = practices.log_practice(db, family.child, step, family.user, data, same)
    assert first.id == second.id
    assert practice_count(db) == 1


def test_key_used_by_another_family_is_refused_and_leaks_nothing(db, family, other_family):
    mine = current_step(make_ladder(db, family.child))
    theirs = current_step(make_ladder(db, other_family.child))
    shared = key()
    practices.log_practice(db, other_family.child, theirs, other_family.user,
                           PracticeDetails(fear_before=9, fear_after=9), shared)
    with pytest.raises(practices.KeyAlreadyUsed, match="already used"):
        practices.log_practice(db, family.child, mine, family.user,
                               PracticeDetails(fear_before=1, fear_after=1), shared)
    assert practice_count(db) == 1
    assert db.exec(select(Practice)).one().child_id == other_family.child.id


def test_a_new_key_is_stored_without_looking_it_up_first(db, family):
    """The unique key decides: a new practice is one INSERT, no SELECT by key before it."""
    step = current_step(make_ladder(db, family.child))
    with counted_statements(db.get_bind()) as statements:
        log(db, family, step)
    by_key = [s for s in statements if "idempotency_key = " in s.replace("\n", " ")]
    assert by_key == [] and any(s.startswith("INSERT INTO practice") for s in statements)


def test_a_saved_form_sent_again_is_saved_even_if_it_would_be_refused_now(db, family):
    """A retry of a form that was saved answers with the saved practice, not with a
    refusal of what changed since (the time is now too old, the data now out of range)."""
    step = current_step(make_ladder(db, family.child))
    same = key()
    first = practices.log_practice(db, family.child, step, family.user,
                                   PracticeDetails(fear_before=4, fear_after=2), same)
    again = practices.log_practice(db, family.child, step, family.user,
                                   PracticeDetails(fear_before=-1, fear_after=2), same)
    assert again.id == first.id and practice_count(db) == 1
    with pytest.raises(DomainError, match="Fear before"):
        practices.log_practice(db, family.child, step, family.user,
                               PracticeDetails(fear_before=-1, fear_after=2), key())


def test_a_repeated_key_leaves_the_session_ready_for_the_next_practice(db, family):
    step = current_step(make_ladder(db, family.child))
    same = key()
    data = PracticeDetails(fear_before=4, fear_after=2)
    first = practices.log_practice(db, family.child, step, family.user, data, same)
    again = practices.log_practice(db, family.child, step, family.user, data, same)
    after = log(db, family, step)
    assert again.id == first.id and after.id != first.id
    assert practice_count(db) == 2


def test_a_step_of_another_child_is_refused(db, family, other_family):
    theirs = current_step(make_ladder(db, other_family.child))
    with pytest.raises(DomainError, match="not on this child's ladders"):
        log(db, family, theirs)
    assert practice_count(db) == 0


@pytest.mark.parametrize(("details", "message"), [
    ({"fear_before": -1}, "Fear before must be a whole number from 0 to 10"),
    ({"fear_after": 11}, "Fear after must be a whole number from 0 to 10"),
    ({"fear_peak": 12}, "Fear peak must be a whole number from 0 to 10"),
    ({"fear_before": 7, "fear_peak": 5}, "cannot be lower"),
    ({"outcome": "won"}, "Choose how it went"),
    ({"prediction": "x" * 501}, "prediction can be at most 500"),
    ({"prediction_came_true": "maybe"}, "whether the prediction came true"),
    ({"safety_behaviours": "x" * 501}, "Safety behaviours can be at most 500"),
    ({"note": "x" * 2001}, "The note can be at most 2000"),
    ({"calming_used": [f"s{i}" for i in range(13)]}, "at most 12 calming"),
    ({"small_wins": ["became_president"]}, "small wins from the list"),
    ({"practiced_at": utcnow() + timedelta(hours=2)}, "in the future"),
    ({"practiced_at": utcnow() - timedelta(days=400)}, "more than a year ago"),
])
def test_bad_details_are_refused_and_nothing_stored(db, family, details, message):
    step = current_step(make_ladder(db, family.child))
    with pytest.raises(DomainError, match=message):
        log(db, family, step, **details)
    assert practice_count(db) == 0


@pytest.mark.parametrize("bad_key", ["", " ", "k" * 65])
def test_a_missing_or_oversized_key_is_refused(db, family, bad_key):
    step = current_step(make_ladder(db, family.child))
    with pytest.raises(DomainError, match="lost its key"):
        practices.log_practice(db, family.child, step, family.user,
                               PracticeDetails(fear_before=1, fear_after=1), bad_key)
    assert practice_count(db) == 0


def test_a_naive_time_is_read_in_the_family_time_zone(db, family):
    step = current_step(make_ladder(db, family.child))
    london = datetime.now(ZoneInfo("Europe/London")).replace(second=0, microsecond=0)
    practice = log(db, family, step, practiced_at=london.replace(tzinfo=None) - timedelta(hours=2))
    assert practice.practiced_at == (london - timedelta(hours=2)).astimezone(ZoneInfo("UTC"))


def test_edit_practice_changes_values_and_keeps_the_time_when_none_given(db, family):
    ladder = make_ladder(db, family.child)
    practice = log(db, family, current_step(ladder), note="first")
    when, created = practice.practiced_at, practice.updated_at
    other_step = ladder.steps[2]
    practices.edit_practice(db, practice, other_step, PracticeDetails(
        fear_before=3, fear_after=1, outcome="left_early", note="second"))
    stored = db.get(Practice, practice.id)
    assert (stored.step_id, stored.fear_before, stored.fear_peak, stored.fear_after) == (
        other_step.id, 3, 3, 1)
    assert (stored.outcome, stored.note, stored.practiced_at) == ("left_early", "second", when)
    assert stored.updated_at >= created


def test_edit_refuses_bad_values_and_another_childs_step(db, family, other_family):
    practice = log(db, family, current_step(make_ladder(db, family.child)), note="kept")
    with pytest.raises(DomainError, match="The note can be at most 2000"):
        practices.edit_practice(db, practice, practice.step,
                                PracticeDetails(fear_before=1, fear_after=1, note="x" * 2001))
    theirs = current_step(make_ladder(db, other_family.child))
    with pytest.raises(DomainError, match="not on this child's ladders"):
        practices.edit_practice(db, practice, theirs, PracticeDetails(fear_before=1, fear_after=1))
    db.expire_all()
    stored = db.get(Practice, practice.id)
    assert (stored.note, stored.step_id) == ("kept", practice.step_id)


def test_delete_practice_removes_it_and_audits_without_note_text(db, family):
    practice = log(db, family, current_step(make_ladder(db, family.child)), note="secret words")
    practices.delete_practice(db, practice, family.user)
    assert practice_count(db) == 0
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "practice_deleted")).one()
    assert event.actor_id == family.user.id and "secret" not in event.subject


def test_list_practices_pages_by_30_newest_first(db, family):
    step = current_step(make_ladder(db, family.child))
    start = utcnow() - timedelta(days=40)
    for day in range(31):
        log(db, family, step, practiced_at=start + timedelta(days=day), note=f"day {day}")
    first = practices.list_practices(db, family.child, 1)
    assert len(first.rows) == 30 and first.has_older
    assert first.rows[0].practice.note == "day 30"
    second = practices.list_practices(db, family.child, 2)
    assert [r.practice.note for r in second.rows] == ["day 0"] and not second.has_older


def test_rows_carry_local_time_and_who_logged(db, family):
    step = current_step(make_ladder(db, family.child))
    log(db, family, step)
    db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=1, fear_peak=1,
                    fear_after=1, outcome="did_it", idempotency_key=key()))
    db.commit()
    rows = practices.list_practices(db, family.child).rows
    assert sorted(r.logged_by for r in rows) == ["alex", "someone"]
    assert all(r.local_time.tzinfo == ZoneInfo("Europe/London") for r in rows)


def test_form_options_offer_active_ladders_and_their_calming_plans(db, family):
    first = make_ladder(db, family.child, goal="School", mastered=1, calming=["Lap pad", "Counting"])
    make_ladder(db, family.child, goal="Shops", calming=["Lap pad"])
    make_ladder(db, family.child, goal="Old goal", status="archived")
    options = practices.form_options(db, family.child)
    assert [ladder.goal for ladder in options.ladders] == ["School", "Shops"]
    assert options.default_step_id == current_step(first).id
    assert options.calming[:2] == ["Lap pad", "Counting"]
    assert options.calming.count("Lap pad") == 1 and "Comfort object" in options.calming


def test_form_options_put_the_chosen_steps_calming_plan_first(db, family):
    make_ladder(db, family.child, goal="School", calming=["Lap pad", "Counting"])
    shops = make_ladder(db, family.child, goal="Shops", calming=["Roll a therapy ball"])
    options = practices.form_options(db, family.child, keep_step=current_step(shops))
    assert options.calming[:3] == ["Roll a therapy ball", "Lap pad", "Counting"]
    assert [ladder.goal for ladder in options.ladders] == ["School", "Shops"]  # order kept
