"""The opportunity calendar's reads: local days, week windows, bounds, a fixed statement count."""
from datetime import date, timedelta
from uuid import uuid4

from sqlalchemy.orm import joinedload
from sqlmodel import Session, select

from graded_exposure.models import Avoidance, Child, DayCheckIn, Practice
from graded_exposure.rules.avoidance_trap import week_start
from graded_exposure.rules.opportunity_calendar import PRACTICE, SCHOOL, Status, iso_week
from graded_exposure.services.opportunity_calendar import calendar_page, first_record_day
from tests.factories import local, make_ladder, person
from tests.lookups import counted_statements

TODAY = date(2026, 11, 26)  # a Thursday
MONDAY = week_start(TODAY)


def _checkin(db, child, day, *avoided):
    db.add(DayCheckIn(child_id=child.id, day=day, child_distress=2, caregiver_distress=3,
                      idempotency_key=uuid4().hex, avoidances=list(avoided)))
    db.commit()


def _practice(db, child, step, at, outcome="did_it"):
    db.add(Practice(child_id=child.id, step_id=step.id, practiced_at=at, fear_before=5,
                    fear_peak=6, fear_after=2, outcome=outcome, idempotency_key=uuid4().hex))
    db.commit()


def test_practices_fall_on_the_familys_local_day(db):
    _, child = person(db, tz="America/Los_Angeles")
    [step] = make_ladder(db, child, titles=["Gate"], fears=[3]).steps
    # 23:30 on Monday in Los Angeles is already Tuesday in UTC.
    _practice(db, child, step, local("America/Los_Angeles", 2026, 11, 23, 23, 30))
    week = calendar_page(db, child, MONDAY, TODAY).week
    assert [o.kind for o in week.days[0].opportunities] == [SCHOOL, PRACTICE]
    assert [o.kind for o in week.days[1].opportunities] == [SCHOOL]


def test_a_past_week_shows_its_own_days_only(db):
    _, child = person(db)
    [step] = make_ladder(db, child, titles=["Gate"], fears=[3]).steps
    earlier = MONDAY - timedelta(weeks=2)
    _checkin(db, child, earlier, Avoidance(kind="school", description="Tummy ache",
                                           accommodations=["kept_home"]))
    _checkin(db, child, MONDAY)
    _practice(db, child, step, local("Europe/London", 2026, 11, 24, 9))
    page = calendar_page(db, child, earlier + timedelta(days=3), TODAY)
    assert page.week.start == earlier
    [opportunity] = page.week.days[0].opportunities
    assert (opportunity.status, opportunity.label) == (Status.ACCOMMODATED, "Tummy ache")
    assert page.week.counts[Status.PRACTISED] == 0 and page.week.days_checked_in == 1
    assert page.previous_week is None and page.following_week == iso_week(earlier + timedelta(7))


def test_the_first_record_is_the_earlier_of_check_in_and_practice(db):
    _, child = person(db)
    assert first_record_day(db, child) is None
    [step] = make_ladder(db, child, titles=["Gate"], fears=[3]).steps
    _checkin(db, child, date(2026, 10, 5))
    _practice(db, child, step, local("Europe/London", 2026, 10, 1, 0, 30))
    assert first_record_day(db, child) == date(2026, 10, 1)


def test_weeks_stay_between_the_first_record_and_this_week(db):
    _, child = person(db)
    only_now = calendar_page(db, child, date(2020, 1, 1), TODAY)
    assert only_now.week.start == MONDAY and not only_now.previous_week
    _checkin(db, child, MONDAY - timedelta(days=9))
    future = calendar_page(db, child, TODAY + timedelta(weeks=5), TODAY)
    assert future.week.start == MONDAY and future.following_week is None
    assert future.previous_week == iso_week(MONDAY - timedelta(weeks=1))
    first = calendar_page(db, child, date(2020, 1, 1), TODAY)
    assert first.week.start == MONDAY - timedelta(weeks=2) and first.previous_week is None


def _statements(engine, child_id, asked):
    with Session(engine) as session:
        child = session.exec(select(Child).where(Child.id == child_id)
                             .options(joinedload(Child.family))).one()
        with counted_statements(engine) as statements:
            page = calendar_page(session, child, asked, TODAY)
    return len(statements), page


def test_three_statements_whatever_the_history(app, db):
    engine = app.extensions["db_engine"]
    _, child = person(db)
    steps = make_ladder(db, child, steps=4).steps
    _checkin(db, child, MONDAY, Avoidance(kind="outing"))
    _practice(db, child, steps[0], local("Europe/London", 2026, 11, 23, 17))
    small, page = _statements(engine, child.id, MONDAY)
    assert sum(page.week.counts.values()) == 6  # school, outing, practice; 3 days unrecorded
    for n in range(1, 40):
        _checkin(db, child, MONDAY - timedelta(days=n), Avoidance(kind="school"),
                 Avoidance(kind="social", accommodations=["spoke_for"]))
        _practice(db, child, steps[n % 4], local("Europe/London", 2026, 11, 23, 17)
                  - timedelta(days=n))
    large, page = _statements(engine, child.id, MONDAY - timedelta(weeks=2))
    assert page.week.counts[Status.ACCOMMODATED] == 7 and page.week.counts[Status.PRACTISED] == 7
    assert small == large == 3


def test_the_week_window_follows_local_midnights_across_a_clock_change(db):
    _, child = person(db)
    [step] = make_ladder(db, child, titles=["Gate"], fears=[3]).steps
    # London's clocks went back on Sunday 25 October 2026: that week has 169 hours.
    for at in (local("Europe/London", 2026, 10, 18, 23, 59), local("Europe/London", 2026, 10, 19),
               local("Europe/London", 2026, 10, 25, 23, 59), local("Europe/London", 2026, 10, 26)):
        _practice(db, child, step, at)
    week = calendar_page(db, child, date(2026, 10, 21), TODAY).week
    practised = [(d.day.day, o.kind) for d in week.days for o in d.opportunities
                 if o.kind == PRACTICE]
    assert practised == [(19, PRACTICE), (25, PRACTICE)]
