"""A login session answers with its user while live; idle or too old, it ends for good."""
from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from sqlmodel import select

from graded_exposure.models import Family, User, UserSession
from graded_exposure.services import login_sessions
from graded_exposure.vocabulary import Role

START = datetime(2026, 6, 1, 12, 0, tzinfo=UTC)
IDLE, LIFETIME = timedelta(days=7), timedelta(days=30)


@pytest.fixture
def started(db):
    """A caregiver with a family, and a login session begun at START."""
    with time_machine.travel(START, tick=False):
        user = User(email="p@example.com", display_name="P", password_hash="x",
                    role=Role.CAREGIVER, family=Family())
        db.add(user)
        db.commit()
        sid = login_sessions.start(db, user)
        db.commit()
    return user, sid


def _at(db, moment: datetime, user: User, sid: str, user_id: int | None = None):
    with time_machine.travel(moment, tick=False):
        return login_sessions.user_for(db, sid, user_id or user.id, IDLE, LIFETIME)


def _row(db, sid: str) -> UserSession | None:
    db.expire_all()
    return db.exec(select(UserSession).where(UserSession.id == sid)).first()


def test_a_live_session_gives_its_user_with_the_family_loaded(db, started):
    user, sid = started
    found = _at(db, START + timedelta(minutes=1), user, sid)
    assert found.id == user.id and "family" in found.__dict__


def test_last_seen_is_written_only_after_five_minutes(db, started):
    user, sid = started
    _at(db, START + timedelta(minutes=4), user, sid)
    assert _row(db, sid).last_seen_at == START
    _at(db, START + timedelta(minutes=6), user, sid)
    assert _row(db, sid).last_seen_at == START + timedelta(minutes=6)


def test_a_session_idle_too_long_ends_and_its_row_goes(db, started):
    user, sid = started
    assert _at(db, START + IDLE + timedelta(seconds=1), user, sid) is None
    assert _row(db, sid) is None


def test_a_session_kept_busy_still_ends_at_its_lifetime(db, started):
    user, sid = started
    for day in range(0, 30, 5):  # seen every five days: never idle
        assert _at(db, START + timedelta(days=day), user, sid) is not None
    assert _at(db, START + LIFETIME + timedelta(seconds=1), user, sid) is None
    assert _row(db, sid) is None


def test_a_session_answers_only_for_its_own_user(db, started):
    user, sid = started
    assert _at(db, START, user, sid, user_id=user.id + 1) is None
    assert _at(db, START, user, "") is None
    assert _row(db, sid) is not None
