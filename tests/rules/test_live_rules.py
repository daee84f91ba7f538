"""When a live session is open, how long it lasts, and whether the child's face is fresh."""
from datetime import UTC, datetime, timedelta

from graded_exposure.rules import live_rules
from graded_exposure.rules.faces import face_for_key

NOW = datetime(2026, 12, 2, 15, 0, tzinfo=UTC)


def test_a_session_is_open_until_ended_or_past_its_limit():
    ends = NOW + timedelta(minutes=60)
    assert live_rules.is_open(ends, None, NOW)
    assert not live_rules.is_open(ends, NOW - timedelta(seconds=1), NOW)
    assert not live_rules.is_open(ends, None, ends)
    assert live_rules.is_open(ends, None, ends - timedelta(microseconds=1))


def test_the_time_limit_is_kept_between_5_minutes_and_4_hours():
    assert live_rules.ends_at(NOW, timedelta(minutes=60)) == NOW + timedelta(minutes=60)
    assert live_rules.ends_at(NOW, timedelta(0)) == NOW + timedelta(minutes=5)
    assert live_rules.ends_at(NOW, timedelta(days=3)) == NOW + timedelta(hours=4)


def test_a_face_is_fresh_for_30_seconds():
    assert not live_rules.is_fresh(None, NOW)
    assert live_rules.is_fresh(NOW, NOW)
    assert live_rules.is_fresh(NOW - timedelta(seconds=30), NOW)
    assert not live_rules.is_fresh(NOW - timedelta(seconds=31), NOW)
    assert not live_rules.is_fresh(NOW + timedelta(seconds=5), NOW)  # a clock from the future


def test_minutes_left_round_up_and_stop_at_zero():
    assert live_rules.minutes_left(NOW + timedelta(seconds=61), NOW) == 2
    assert live_rules.minutes_left(NOW + timedelta(minutes=60), NOW) == 60
    assert live_rules.minutes_left(NOW - timedelta(minutes=1), NOW) == 0


def test_a_face_is_found_by_its_key_and_nothing_else_is():
    assert face_for_key("worried").fear == 7
    assert face_for_key("nope") is None and face_for_key(None) is None and face_for_key(7) is None
