"""The "since last session" summary: what counts, from which day, and the last-session date."""
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import (
    Avoidance,
    DayCheckIn,
    Practice,
    TherapistLink,
    TherapistNote,
    utcnow,
)
from graded_exposure.services import caseload, session_summary, therapist_notes
from tests.factories import (
    link,
    make_ladder,
    make_therapist,
    quick_family_child,
    template_ladder,
)

NOW = datetime(2026, 5, 6, 11, 0, tzinfo=UTC)  # Wednesday noon in London


@pytest.fixture
def tara(db, family):
    return make_therapist(db)


def _practice(db, child, step, when, peak, key, **fields):
    db.add(Practice(child_id=child.id, step_id=step.id, practiced_at=when, fear_before=peak - 1,
                    fear_peak=peak, fear_after=max(0, peak - 3), outcome="did_it",
                    idempotency_key=key, **fields))


def _summary(db, therapist, child, now=None):
    found = db.exec(select(TherapistLink).where(TherapistLink.therapist_id == therapist.id,
                                                TherapistLink.child_id == child.id)).one()
    return session_summary.for_child(db, child, found, now=now)


def test_set_last_session_stores_the_date(db, family, tara):
    row = link(db, tara, family.child)
    session_summary.set_last_session(db, tara, family.child, date(2026, 5, 5), now=NOW)
    db.refresh(row)
    assert row.last_session_on == date(2026, 5, 5)


@pytest.mark.parametrize("day, problem", [
    (date(2026, 5, 8), "can't be in the future"),
    (date(2023, 1, 1), "more than two years ago"),
    (None, "Enter the date"),
])
def test_bad_last_session_dates_are_refused(db, family, tara, day, problem):
    row = link(db, tara, family.child)
    with pytest.raises(DomainError, match=problem):
        session_summary.set_last_session(db, tara, family.child, day, now=NOW)
    db.refresh(row)
    assert row.last_session_on is None


def test_summary_covers_only_the_days_since_the_last_session(db, family, tara):
    link(db, tara, family.child, last_session_on=date(2026, 4, 28))
    ladder = template_ladder(db, family.child, by=family.user)
    first, second = ladder.steps[0], ladder.steps[1]
    _practice(db, family.child, first, datetime(2026, 4, 27, 9, tzinfo=UTC), 9, "before")
    _practice(db, family.child, first, datetime(2026, 4, 28, 7, tzinfo=UTC), 7, "a",
              small_wins=["laughed"], note="Held my hand")
    _practice(db, family.child, first, datetime(2026, 5, 1, 7, tzinfo=UTC), 5, "b")
    _practice(db, family.child, first, datetime(2026, 5, 4, 7, tzinfo=UTC), 3, "c",
              small_wins=["laughed", "eye_contact"])
    _practice(db, family.child, second, datetime(2026, 5, 5, 7, tzinfo=UTC), 6, "d")
    first.mastered_at = datetime(2026, 5, 4, 8, tzinfo=UTC)
    second.mastered_at = None
    ladder.steps[2].mastered_at = datetime(2026, 4, 20, tzinfo=UTC)  # before: not shown
    for day, distress, avoided in ((date(2026, 4, 27), 2, ["school"]),
                                   (date(2026, 4, 29), 2, ["school"]),
                                   (date(2026, 4, 30), 6, ["outing"]),
                                   (date(2026, 5, 2), 1, [])):
        checkin = DayCheckIn(child_id=family.child.id, day=day, child_distress=distress,
                             caregiver_distress=3, idempotency_key=f"ci-{day}")
        checkin.avoidances = [Avoidance(kind=k, accommodations=["kept_home"]) for k in avoided]
        db.add(checkin)
    db.add(TherapistNote(child_id=family.child.id, author_id=tara.id, kind="homework",
                         text="Open one"))
    db.add(TherapistNote(child_id=family.child.id, author_id=tara.id, kind="homework",
                         text="Done one", done_at=utcnow()))
    db.add(TherapistNote(child_id=family.child.id, author_id=tara.id, kind="note", text="A note"))
    db.commit()

    s = _summary(db, tara, family.child, now=NOW)

    assert (s.since, s.today, s.since_was_set, s.days) == (
        date(2026, 4, 28), date(2026, 5, 6), True, 9)
    assert [(row.practice.fear_peak, row.step_title) for row in s.practices] == [  # a b c d
        (7, first.title), (5, first.title), (3, first.title), (6, second.title)]
    assert s.practices[0].practice.note == "Held my hand"
    assert s.practice_days == 4
    changes = {c.step_title: (c.practices, c.first_peak, c.latest_peak, c.change)
               for c in s.fear_changes}
    assert changes == {first.title: (3, 7, 3, -4), second.title: (1, 6, 6, 0)}
    assert [title for _, title, _ in s.steps_mastered] == [first.title]
    assert (s.calm.checkins, s.calm.calm, s.calm.bought, s.calm.earned) == (3, 2, 1, 1)
    assert s.avoided == {"school": 1, "outing": 1}
    assert s.accommodations == {"kept_home": 2}
    assert s.small_wins == {"laughed": 2, "eye_contact": 1}
    assert [row.note.text for row in s.open_homework] == ["Open one"]


def test_without_a_last_session_date_the_summary_covers_two_weeks(db, family, tara):
    link(db, tara, family.child)
    s = _summary(db, tara, family.child, now=NOW)
    assert s.since == date(2026, 4, 22) and not s.since_was_set and s.days == 15
    assert s.practices == [] and s.fear_changes == []


def test_a_last_session_long_ago_gives_a_summary_of_the_longest_period(db, family, tara):
    # A date left as it was for months made the summary read and list every practice since.
    link(db, tara, family.child, last_session_on=date(2025, 11, 5))
    step = template_ladder(db, family.child, by=family.user).steps[0]
    first_day = date(2026, 5, 6) - timedelta(days=session_summary.LONGEST_DAYS - 1)
    for key, day in (("before", first_day - timedelta(days=1)), ("first", first_day)):
        _practice(db, family.child, step, datetime.combine(day, datetime.min.time(), UTC)
                  + timedelta(hours=9), 5, key)
    db.commit()
    s = _summary(db, tara, family.child, now=NOW)
    assert (s.since, s.days, s.since_was_set, s.shortened) == (
        first_day, session_summary.LONGEST_DAYS, True, True)
    assert [row.practice.id for row in s.practices] == [
        db.exec(select(Practice.id).where(Practice.idempotency_key == "first")).one()]
    recent = _summary(db, tara, family.child, now=datetime(2025, 11, 20, 11, tzinfo=UTC))
    assert recent.since == date(2025, 11, 5) and not recent.shortened


def test_open_homework_list_ignores_notes(db, family, tara):
    link(db, tara, family.child)
    therapist_notes.write_note(db, family.child, tara, kind="note", text="Just a note")
    assert _summary(db, tara, family.child).open_homework == []


# ---- the caseload's mark and the summary agree -----------------------------------------------

def _on_track(db, child):
    [step] = make_ladder(db, child, goal="Gate", titles=["Walk to the gate"], fears=[5]).steps
    for day in range(5):
        _practice(db, child, step, NOW - timedelta(days=day), 2 + day, f"ok-{child.id}-{day}")
    db.commit()


def _behind_target(db, child):
    [step] = make_ladder(db, child, goal="Gate", titles=["Walk to the gate"], fears=[5]).steps
    _practice(db, child, step, NOW, 2, f"behind-{child.id}")
    db.commit()


def _no_practice_for_days(db, child):
    ladder = make_ladder(db, child, goal="Gate", titles=["Walk to the gate"], fears=[5])
    ladder.created_at = NOW - timedelta(days=10)
    db.add(ladder)
    db.commit()


def _fear_not_falling(db, child):
    [step] = make_ladder(db, child, goal="Gate", titles=["Walk to the gate"], fears=[5]).steps
    for day in range(5):
        _practice(db, child, step, NOW - timedelta(days=day), 6, f"flat-{child.id}-{day}")
    db.commit()


def _avoidance_rising(db, child):
    _on_track(db, child)
    for days_ago, kinds in ((13, []), (2, ["school"]), (1, ["school", "outing"])):
        db.add(DayCheckIn(child_id=child.id, day=NOW.date() - timedelta(days=days_ago),
                          child_distress=2, caregiver_distress=3,
                          idempotency_key=f"rise-{child.id}-{days_ago}",
                          avoidances=[Avoidance(kind=k, accommodations=["kept_home"])
                                      for k in kinds]))
    db.commit()


STATES = {"on_track": (_on_track, set()),
          "behind_target": (_behind_target, {"behind_target"}),
          "no_practice": (_no_practice_for_days, {"behind_target", "no_practice"}),
          "fear_not_falling": (_fear_not_falling, {"fear_not_falling"}),
          "avoidance_rising": (_avoidance_rising, {"avoidance_rising"}),
          "nothing_yet": (lambda db, child: None, {"behind_target"})}


@pytest.mark.parametrize("state", STATES)
def test_the_caseload_mark_and_the_summary_give_the_same_reasons(db, tara, state):
    make, expected = STATES[state]
    child = quick_family_child(db, 40)
    link(db, tara, child, consented_at=NOW - timedelta(days=30))
    make(db, child)
    db.expire_all()
    [row] = caseload.for_therapist(db, tara, NOW)
    summary = _summary(db, tara, child, NOW)
    assert {r.kind for r in row.reasons} == expected
    assert summary.reasons == row.reasons
    assert row.needs_attention == bool(expected)


def test_a_therapist_a_day_ahead_of_the_family_sets_their_own_today(db, family, tara):
    row = link(db, tara, family.child)
    family.user.family.timezone = "America/Los_Angeles"
    db.commit()
    session_summary.set_last_session(db, tara, family.child, date(2026, 3, 10),
                                     now=datetime(2026, 3, 10, 0, 30, tzinfo=UTC))
    db.refresh(row)
    assert row.last_session_on == date(2026, 3, 10)
