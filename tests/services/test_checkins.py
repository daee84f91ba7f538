"""Day check-ins without HTTP."""
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import Avoidance, DayCheckIn, utcnow
from graded_exposure.services import checkins
from graded_exposure.services.checkins import (
    AvoidanceInput,
    CheckInInput,
    checkin_for_day,
    save_checkin,
    today_for,
)


def _input(child, days_ago=0, **kw):
    data = {"day": today_for(child) - timedelta(days=days_ago), "child_distress": 2,
            "caregiver_distress": 6, "avoidances": [
                AvoidanceInput("school", "Tummy ache at the gate", ["kept_home"])]}
    data.update(kw)
    return CheckInInput(**data)


def test_save_checkin_stores_avoidances_and_accommodations(db, family):
    checkin = save_checkin(db, family.child, family.user, _input(family.child), "k1")
    assert (checkin.child_distress, checkin.caregiver_distress) == (2, 6)
    [avoided] = checkin.avoidances
    assert (avoided.kind, avoided.accommodations) == ("school", ["kept_home"])


def test_one_checkin_per_day_and_an_edit_replaces_it(db, family):
    save_checkin(db, family.child, family.user, _input(family.child), "k1")
    save_checkin(db, family.child, family.user, _input(family.child, child_distress=7,
                                                       avoidances=[]), "k2")
    rows = db.exec(select(DayCheckIn)).all()
    assert len(rows) == 1 and rows[0].child_distress == 7
    assert db.exec(select(Avoidance)).all() == []


def test_same_key_twice_stores_once_and_changes_nothing(db, family):
    first = save_checkin(db, family.child, family.user, _input(family.child), "same")
    again = save_checkin(db, family.child, family.user, _input(family.child, child_distress=9), "same")
    assert again.id == first.id and again.child_distress == 2
    assert len(db.exec(select(DayCheckIn)).all()) == 1


def test_a_form_sent_again_after_its_day_left_the_window_finds_the_saved_one(db, family,
                                                                           monkeypatch):
    """A check-in queued on a phone, saved, its answer lost, sent again weeks later: the
    saved one comes back, though a new check-in for that day would now be refused."""
    first = save_checkin(db, family.child, family.user, _input(family.child, days_ago=59), "q")
    later = utcnow() + timedelta(days=10)
    monkeypatch.setattr(checkins, "utcnow", lambda: later)
    again = save_checkin(db, family.child, family.user, _input(family.child, days_ago=69), "q")
    assert again.id == first.id
    with pytest.raises(DomainError, match="last 60 days"):
        save_checkin(db, family.child, family.user, _input(family.child, days_ago=69), "new")


def test_a_key_from_another_child_is_refused(db, family, other_family):
    save_checkin(db, family.child, family.user, _input(family.child), "shared")
    with pytest.raises(DomainError):
        save_checkin(db, other_family.child, other_family.user, _input(other_family.child), "shared")


def test_past_days_can_be_added_and_edited(db, family):
    save_checkin(db, family.child, family.user, _input(family.child, days_ago=3), "a")
    day = today_for(family.child) - timedelta(days=3)
    assert checkin_for_day(db, family.child, day).child_distress == 2


@pytest.mark.parametrize("change", [
    {"days_ago": -1}, {"days_ago": 61}, {"child_distress": 11}, {"caregiver_distress": -1},
    {"avoidances": [AvoidanceInput("homework")]},
    {"avoidances": [AvoidanceInput("school"), AvoidanceInput("school")]},
    {"avoidances": [AvoidanceInput("school", accommodations=["bribed"])]},
    {"avoidances": [AvoidanceInput("school", "x" * 201)]},
])
def test_bad_checkins_are_refused_and_nothing_is_stored(db, family, change):
    days_ago = change.pop("days_ago", 0)
    with pytest.raises(DomainError):
        save_checkin(db, family.child, family.user, _input(family.child, days_ago, **change), "bad")
    assert db.exec(select(DayCheckIn)).all() == []


@pytest.mark.parametrize(("zone", "expected"), [("Australia/Sydney", "2026-06-02"),
                                                  ("Europe/London", "2026-06-01"),
                                                  ("America/New_York", "2026-06-01")])
def test_today_follows_the_family_time_zone(db, family, monkeypatch, zone, expected):
    from datetime import UTC, datetime

    import graded_exposure.services.checkins as checkins

    monkeypatch.setattr(checkins, "utcnow", lambda: datetime(2026, 6, 1, 22, 30, tzinfo=UTC))
    family.child.family.timezone = zone
    assert today_for(family.child).isoformat() == expected
