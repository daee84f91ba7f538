"""The caseload service: linked children only, fixed query count, flags as insights, ordering."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import (
    AuditEvent,
    Avoidance,
    Child,
    DayCheckIn,
    Family,
    Practice,
    TherapistLink,
    TherapistNote,
    User,
    utcnow,
)
from graded_exposure.services import accounts, caseload, demo_data, insights, ladders
from tests.conftest import PASSWORD


def make_therapist(db, email="tara@example.com", name="Tara") -> User:
    """Register a therapist through the real service (a real password, for logging in)."""
    return accounts.register(db, email=email, password=PASSWORD, display_name=name,
                             role="therapist")


def link(db, therapist: User, child: Child, status="active", **fields) -> TherapistLink:
    """Insert a link as if a caregiver had consented (or ended it)."""
    row = TherapistLink(therapist_id=therapist.id, child_id=child.id, status=status,
                        consented_at=utcnow() if status != "pending" else None,
                        ended_at=utcnow() if status == "ended" else None, **fields)
    db.add(row)
    db.commit()
    return row


def quick_family_child(db, n: int, tz="Europe/London") -> Child:
    """A family with one caregiver and one child, without password hashing (fast)."""
    family = Family(timezone=tz)
    db.add(family)
    db.flush()
    db.add(User(email=f"parent{n}@example.com", display_name=f"Parent {n}", password_hash="x",
                role="caregiver", family_id=family.id))
    child = Child(family_id=family.id, display_name=f"Child {n:03d}")
    db.add(child)
    db.commit()
    return child


def busy_child(db, n: int, therapist: User, now=None) -> Child:
    """A linked child with a ladder, practices, a check-in with avoidance and open homework."""
    now = now or utcnow()
    child = quick_family_child(db, n)
    ladder = ladders.create_ladder_from_template(db, child, None, "school-day")
    step = ladder.steps[0]
    for day in range(6):
        db.add(Practice(child_id=child.id, step_id=step.id, practiced_at=now - timedelta(days=day),
                        fear_before=5, fear_peak=6, fear_after=3, outcome="did_it",
                        idempotency_key=f"k-{n}-{day}"))
    checkin = DayCheckIn(child_id=child.id, day=(now - timedelta(days=1)).date(), child_distress=2,
                         caregiver_distress=3, idempotency_key=f"c-{n}")
    checkin.avoidances.append(Avoidance(kind="school", accommodations=["kept_home"]))
    db.add(checkin)
    db.add(TherapistNote(child_id=child.id, author_id=therapist.id, kind="homework", text="Go"))
    db.commit()
    link(db, therapist, child)
    return child


def count_queries(engine, call) -> int:
    """Run call() and return how many SQL statements it sent."""
    statements = []

    def count(*_args):
        statements.append(1)

    event.listen(engine, "before_cursor_execute", count)
    try:
        call()
    finally:
        event.remove(engine, "before_cursor_execute", count)
    return len(statements)


# ---- which children ------------------------------------------------------------------------

def test_only_actively_linked_children_are_listed(db, family, other_family):
    tara = make_therapist(db)
    link(db, tara, family.child)
    link(db, tara, other_family.child, status="ended")
    third = quick_family_child(db, 3)
    link(db, tara, third, status="pending")
    rows = caseload.for_therapist(db, tara)
    assert [row.child.id for row in rows] == [family.child.id]


def test_a_therapist_without_links_has_an_empty_caseload(db):
    assert caseload.for_therapist(db, make_therapist(db)) == []


def test_another_therapists_links_are_not_listed(db, family):
    tara, theo = make_therapist(db), make_therapist(db, "theo@example.com", "Theo")
    link(db, theo, family.child)
    assert caseload.for_therapist(db, tara) == []


# ---- what each row holds -------------------------------------------------------------------

def test_row_holds_adherence_current_steps_last_activity_and_homework(db):
    tara = make_therapist(db)
    now = utcnow()
    child = busy_child(db, 1, tara, now)
    [row] = caseload.for_therapist(db, tara, now)
    assert row.days_last_7 == 6 and row.days_last_28 == 6 and row.target == 5
    assert not row.behind
    assert [cs.step.title for cs in row.current_steps] == [
        ladders.ladders_for_child(db, child)[0][0].steps[0].title]
    assert row.last_activity is not None and abs(row.last_activity - now) < timedelta(seconds=5)
    assert row.open_homework == 1


def test_flags_match_the_per_child_insights_on_the_demo_family(db):
    demo_data.seed(db)
    tara = make_therapist(db)
    children = db.exec(select(Child).order_by(Child.id)).all()
    _give_the_demo_something_to_flag(db, children)
    for child in children:
        link(db, tara, child)
    rows = {row.child.id: row for row in caseload.for_therapist(db, tara)}
    kinds = set()
    for child in children:
        expected = insights.for_child(db, child)
        assert rows[child.id].flags == expected.flags, child.display_name
        assert rows[child.id].days_last_7 == expected.practice_days_last_7
        kinds |= {flag.kind for flag in expected.flags}
    assert {"fear_not_falling", "stuck_easy"} <= kinds


def _give_the_demo_something_to_flag(db, children) -> None:
    """Leo's fear stops falling on his current step; Mia's has been easy for three weeks."""
    mia, leo = children
    now = utcnow()
    [leo_ladder] = ladders.ladders_for_child(db, leo)[0]
    current = next(s for s in leo_ladder.steps if s.status == "current")
    for n in range(5):
        db.add(Practice(child_id=leo.id, step_id=current.id, fear_before=5, fear_peak=8,
                        fear_after=4, practiced_at=now - timedelta(hours=n + 1),
                        outcome="did_it", idempotency_key=f"flat-{n}"))
    [mia_ladder] = ladders.ladders_for_child(db, mia)[0]
    easy = next(s for s in mia_ladder.steps if s.status == "current")
    easy.predicted_fear, easy.current_since = 2, now - timedelta(days=21)
    db.commit()


def test_practice_days_use_the_familys_calendar(db):
    tara = make_therapist(db)
    child = quick_family_child(db, 1, tz="Pacific/Auckland")
    ladder = ladders.create_ladder_from_template(db, child, None, "school-day")
    # 11:00 and 13:00 UTC on one UTC day are 23:00 and 01:00 in Auckland (UTC+12): two days.
    first = datetime(2026, 5, 4, 11, 0, tzinfo=UTC)
    for n, moment in enumerate((first, first + timedelta(hours=2))):
        db.add(Practice(child_id=child.id, step_id=ladder.steps[0].id, practiced_at=moment,
                        fear_before=3, fear_peak=4, fear_after=2, outcome="did_it",
                        idempotency_key=f"tz-{n}"))
    db.commit()
    link(db, tara, child)
    [row] = caseload.for_therapist(db, tara, now=datetime(2026, 5, 5, 0, 0, tzinfo=UTC))
    assert row.days_last_7 == 2


# ---- ordering ------------------------------------------------------------------------------

def test_children_needing_attention_come_first(db):
    tara = make_therapist(db)
    now = utcnow()
    on_track = quick_family_child(db, 1)
    behind = quick_family_child(db, 2)
    flagged = quick_family_child(db, 3)
    for child in (on_track, behind, flagged):
        ladder = ladders.create_ladder_from_template(db, child, None, "school-day")
        if child is not flagged:
            db.add(Practice(child_id=child.id, step_id=ladder.steps[0].id, practiced_at=now,
                            fear_before=3, fear_peak=4, fear_after=2, outcome="did_it",
                            idempotency_key=f"o-{child.id}"))
        else:
            ladder.created_at = now - timedelta(days=10)  # and never practised: flagged
        db.commit()
    link(db, tara, on_track, practice_target_days=1)
    link(db, tara, behind, practice_target_days=5)
    link(db, tara, flagged, practice_target_days=1)
    rows = caseload.for_therapist(db, tara, now)
    assert [row.child.display_name for row in rows] == ["Child 003", "Child 002", "Child 001"]
    assert [row.needs_attention for row in rows] == [True, True, False]
    assert rows[0].flags[0].kind == "no_practice"
    assert rows[1].behind and not rows[1].flags


# ---- a fixed number of queries ---------------------------------------------------------------

def test_query_count_is_the_same_for_5_and_150_children(app, db):
    tara = make_therapist(db)
    engine = app.extensions["db_engine"]
    for n in range(5):
        busy_child(db, n, tara)
    db.expire_all()
    few = count_queries(engine, lambda: caseload.for_therapist(db, tara))
    assert len(caseload.for_therapist(db, tara)) == 5
    for n in range(5, 150):
        busy_child(db, n, tara)
    db.expire_all()
    many = count_queries(engine, lambda: caseload.for_therapist(db, tara))
    assert len(caseload.for_therapist(db, tara)) == 150
    assert few == many <= 12


# ---- the practice target -------------------------------------------------------------------

def test_set_practice_target_is_stored_and_audited(db, family):
    tara = make_therapist(db)
    row = link(db, tara, family.child)
    caseload.set_practice_target(db, tara, family.child, 3, ip="10.0.0.1")
    db.refresh(row)
    assert row.practice_target_days == 3
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "practice_target_set")).one()
    assert event.actor_id == tara.id and event.family_id == family.child.family_id


@pytest.mark.parametrize("days", [0, 8, -1, "5", None, True, 2.5])
def test_practice_target_out_of_range_is_refused(db, family, days):
    tara = make_therapist(db)
    row = link(db, tara, family.child)
    with pytest.raises(DomainError, match="from 1 to 7"):
        caseload.set_practice_target(db, tara, family.child, days)
    db.refresh(row)
    assert row.practice_target_days == 5


def test_practice_target_needs_an_active_link(db, family):
    tara = make_therapist(db)
    link(db, tara, family.child, status="ended")
    with pytest.raises(DomainError, match="not linked"):
        caseload.set_practice_target(db, tara, family.child, 3)
