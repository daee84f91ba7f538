"""Insights and the weekly summary pages."""
from datetime import UTC, datetime, timedelta

import pytest

from graded_exposure.models import Avoidance, DayCheckIn, Practice
from graded_exposure.services.checkins import today_for
from tests.factories import make_ladder


def _history(db, family):
    today = today_for(family.child)
    [step] = make_ladder(db, family.child, goal="School", titles=["Walk to the <b>gate</b>"],
                         fears=[4]).steps
    for n in range(3):
        db.add(DayCheckIn(child_id=family.child.id, day=today - timedelta(days=n), child_distress=2,
                          caregiver_distress=5, idempotency_key=f"c{n}",
                          avoidances=[Avoidance(kind="school", accommodations=["kept_home"])] if n else []))
    db.commit()
    db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=7, fear_peak=7,
                    fear_after=3, outcome="did_it", small_wins=["laughed"], idempotency_key="p1",
                    practiced_at=datetime.now(UTC) - timedelta(minutes=5)))
    db.commit()


def test_insights_page_explains_and_counts(family, db):
    _history(db, family)
    body = family.client.get(f"/children/{family.child.id}/insights").get_data(as_text=True)
    name = family.child.display_name
    assert (f"School was avoided on 2 of the 3 calm days this week; {name} was kept home each "
            "time." in body)
    assert "“Walk to the &lt;b&gt;gate&lt;/b&gt;” (from “School”)" in body
    assert "bought by avoidance" in body and "earned by facing" in body
    assert "Laughed × 1" in body
    assert "Current streak: <strong>1</strong> day" in body


def test_weekly_summary_is_printable_and_counts_the_week(family, db):
    _history(db, family)
    response = family.client.get(f"/children/{family.child.id}/week")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "1 practice on 1 of 7 days" in body
    assert "Walk to the &lt;b&gt;gate&lt;/b&gt; × 1" in body
    assert "Kept them home" in body


@pytest.mark.parametrize("start", ["nonsense", "", "2999-01-04", "0001-01-01", "0001-01-08",
                                   "9999-12-31", "1999-12-31", "2026-02-30", "-1", "9" * 30])
def test_weekly_summary_ignores_a_bad_far_or_future_start(family, db, start):
    response = family.client.get(f"/children/{family.child.id}/week?start={start}")
    assert response.status_code == 200 and "Week after" not in response.get_data(as_text=True)


def test_a_past_week_has_its_own_numbers(family, db):
    _history(db, family)
    db.add(DayCheckIn(child_id=family.child.id, day=today_for(family.child) - timedelta(weeks=5),
                      child_distress=2, caregiver_distress=3, idempotency_key="first"))
    db.commit()
    past = (today_for(family.child) - timedelta(weeks=3)).isoformat()
    body = family.client.get(f"/children/{family.child.id}/week?start={past}").get_data(as_text=True)
    assert "0 practices on 0 of 7 days" in body and "No day check-ins this week." in body


def test_the_weekly_summary_pages_back_only_to_the_week_of_the_first_record(family, db):
    """Found from outside: a new family's first week offered "← Week before", and ?start=
    2000-01-03 showed "week of 3 January 2000", years before the family existed (the opportunity
    calendar already kept to its records' weeks; QUALITY.md's lesson)."""
    url = f"/children/{family.child.id}/week"
    assert "Week before" not in family.client.get(url).get_data(as_text=True)
    body = family.client.get(f"{url}?start=2000-01-03").get_data(as_text=True)
    assert "2000" not in body and "Week before" not in body
    _history(db, family)
    db.add(DayCheckIn(child_id=family.child.id, day=today_for(family.child) - timedelta(weeks=2),
                      child_distress=2, caregiver_distress=3, idempotency_key="first"))
    db.commit()
    assert "Week before" in family.client.get(url).get_data(as_text=True)
    body = family.client.get(f"{url}?start=2000-01-03").get_data(as_text=True)
    assert "Week before" not in body and "Week after" in body


def test_flags_show_on_the_home_screen_with_a_suggestion(family, db):
    make_ladder(db, family.child, goal="School", titles=["Gate"], fears=[5],
                created_at=datetime.now(UTC) - timedelta(days=10))
    body = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert "No practice logged for" in body and "Try this:" in body


def _avoided_each_day(db, child, days):
    today = today_for(child)
    for n in days:
        db.add(DayCheckIn(child_id=child.id, day=today - timedelta(days=n), child_distress=2,
                          caregiver_distress=5, idempotency_key=f"a{n}",
                          avoidances=[Avoidance(kind="school", accommodations=["kept_home"])]))
    db.commit()


def test_a_first_week_raises_no_rising_flag_and_shows_no_weeks_before_it(family, db):
    _avoided_each_day(db, family.child, range(5))
    client, child_id = family.client, family.child.id
    home = client.get("/").get_data(as_text=True)
    body = client.get(f"/children/{child_id}/insights").get_data(as_text=True)
    assert "Avoidance is rising" not in home and "Avoidance is rising" not in body
    assert "Too early to see a trend in accommodation" in body
    first_week = today_for(family.child) - timedelta(days=4)
    assert body.count('<th scope="row">') == 1 + (first_week.weekday() + 4 >= 7)


def test_rising_speaks_once_there_is_a_whole_week_before(family, db):
    _avoided_each_day(db, family.child, [13, 2, 1, 0])
    body = family.client.get(f"/children/{family.child.id}/insights").get_data(as_text=True)
    assert "Avoidance is rising: 3 times in the last 7 days, 1 in the week before." in body


def test_insights_before_any_check_in_show_no_weeks(family, db):
    body = family.client.get(f"/children/{family.child.id}/insights").get_data(as_text=True)
    assert "No check-ins yet. Weeks appear here from the first one." in body
    assert '<th scope="row">' not in body


def test_an_active_trap_sits_above_homework_and_notes_on_home(family, db):
    _history(db, family)
    body = family.client.get("/").get_data(as_text=True)
    trap = body.index(f'id="trap-{family.child.id}"')
    assert trap < body.index('id="notes-feed"') < body.index('id="home-ladder-')
    assert body.count(f'id="trap-{family.child.id}"') == 1
    assert "accommodated" not in body.split("<main", 1)[1]
    assert "One thing to try this week" in body and "Walk to the &lt;b&gt;gate&lt;/b&gt;" in body


def test_a_quiet_trap_stays_below_the_ladders(family, db):
    make_ladder(db, family.child, goal="School", titles=["Gate"], fears=[5])
    body = family.client.get("/").get_data(as_text=True)
    assert body.index('id="home-ladder-') < body.index(f'id="trap-{family.child.id}"')
    assert "One thing to try this week" not in body
