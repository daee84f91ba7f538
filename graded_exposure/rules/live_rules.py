"""Live (telehealth) sessions: when one is open, and whether the child's face is fresh."""
from datetime import datetime, timedelta

# A face tapped this recently is shown as "just now" on the therapist's screen.
FRESH_FOR = timedelta(seconds=30)
# A live session lasts at least this long and at most this long, whatever the setting says.
SHORTEST_LIMIT = timedelta(minutes=5)
LONGEST_LIMIT = timedelta(hours=4)


def ends_at(started_at: datetime, limit: timedelta) -> datetime:
    """When a session started at `started_at` ends by itself, the limit kept within bounds."""
    return started_at + min(max(limit, SHORTEST_LIMIT), LONGEST_LIMIT)


def is_open(ends_at: datetime, ended_at: datetime | None, now: datetime) -> bool:
    """True while a session has not been ended and its time limit has not passed."""
    return ended_at is None and now < ends_at


def is_fresh(rated_at: datetime | None, now: datetime) -> bool:
    """True when the child tapped a face within FRESH_FOR of now."""
    return rated_at is not None and timedelta(0) <= now - rated_at <= FRESH_FOR


def minutes_left(ends_at: datetime, now: datetime) -> int:
    """Whole minutes until the session ends by itself, rounded up; 0 once it has."""
    seconds = (ends_at - now).total_seconds()
    return max(0, int(-(-seconds // 60)))
