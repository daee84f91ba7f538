"""The insights' practice days (streaks, days in the last 7 and 28): one row per UTC date."""
from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graded_exposure.models import Practice
from graded_exposure.rules.timezones import local_date
from graded_exposure.services import insights
from tests.factories import make_ladder

START = datetime(2026, 3, 27, 18, tzinfo=UTC)  # the weekend Europe changes its clocks


@pytest.fixture
def step(db, family):
    return make_ladder(db, family.child, goal="Shops", area="outings", steps=2,
                       by=family.user).steps[0]


def _add(db, family, step, moments):
    db.execute(Practice.__table__.delete().where(Practice.child_id == family.child.id))
    for n, moment in enumerate(moments):
        db.add(Practice(child_id=family.child.id, step_id=step.id, practiced_at=moment,
                        fear_before=4, fear_peak=5, fear_after=2, outcome="did_it",
                        idempotency_key=f"d{n}"))
    db.commit()


@pytest.mark.parametrize("tz", ["America/Los_Angeles", "Pacific/Kiritimati", "Europe/London",
                                "Asia/Kolkata"])
@settings(max_examples=30, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(minutes=st.lists(st.integers(0, 5 * 24 * 60), max_size=15))
def test_practice_days_are_the_local_days_of_every_practice(db, family, step, tz, minutes):
    family.child.family.timezone = tz
    moments = [START + timedelta(minutes=m) for m in minutes]
    _add(db, family, step, moments)
    assert insights.practice_days(db, family.child) == {local_date(m, tz) for m in moments}


def test_a_day_of_many_practices_is_read_as_one_row(db, family, step, monkeypatch):
    _add(db, family, step, [START + timedelta(minutes=m) for m in range(200)] +
         [START - timedelta(days=3)])
    fetched = []
    original = insights._rows

    def counting(session, statement, **params):
        rows = list(original(session, statement, **params))
        fetched.append(len(rows))
        return rows

    monkeypatch.setattr(insights, "_rows", counting)
    days = insights.practice_days(db, family.child)
    assert days == {local_date(START, "Europe/London"),
                    local_date(START - timedelta(days=3), "Europe/London")}
    assert fetched == [2]
