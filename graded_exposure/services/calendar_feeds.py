"""A caregiver's private calendar feed: turn it on, make a new link, turn it off, and what it lists.

The link's token is shown once; only its SHA-256 is stored (services/tokens.py), so serving a
feed looks up the hash of the token asked for: nothing compares the secret itself, and the
database holds nothing that opens a feed. A new link replaces the old one in the same row, so
the old one stops working at once.

What a feed lists is read afresh on every fetch, so whatever is deleted, paused or no longer in
the caregiver's family drops out, as does a reminder that ended over a week ago
(reminders.ENDED_SHOWN): the practice reminders about the family's children (whoever
set them; the same schedule set by two caregivers shows once) and the therapist's reminders
this caregiver receives. Evening nudges and weekly digests are left out: a nudge goes out only
when nothing was logged and a digest is an email, so neither is a time to keep free. Session
dates are not listed: the app keeps the date of the last session, not of the next.

Calendar data leaves the app, so events say only what kind of reminder it is, plus the child's
name if the caregiver chose that; never a therapist's words (as push notifications).
"""
import hashlib
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from sqlalchemy import and_, bindparam, or_
from sqlmodel import Session, select

from ..calendar_ics import FeedEvent
from ..errors import DomainError, NotAllowed
from ..forms.text import single_line
from ..models import CalendarFeed, Child, Reminder, User, utcnow
from ..rules import schedule
from ..vocabulary import Role
from . import audit, tokens
from .reminders import STILL_SHOWN, ended_since

PRACTICE, THERAPIST = "practice", "therapist"
# A token is secrets.token_urlsafe(32): 43 characters of the URL-safe base64 alphabet (room is
# left for longer ones). Anything else is refused before any lookup, and cannot fail to hash.
_TOKEN_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_TOKEN_LENGTHS = range(43, 129)
# Bumped when the same reminders would be written differently, so Last-Modified moves too.
_FORMAT = 1
_IS_OFF = "Your calendar feed is off. Turn it on first."

_FEED_BY_HASH = (select(CalendarFeed, User.family_id)
                 .join(User, User.id == CalendarFeed.user_id)
                 .where(CalendarFeed.token_hash == bindparam("token_hash"),
                        User.role == Role.CAREGIVER, User.family_id.is_not(None)))
_LISTED = (select(Reminder.id, Reminder.user_id, Reminder.child_id, Reminder.kind,
                  Reminder.weekdays, Reminder.local_time, Reminder.timezone, Reminder.ends_on,
                  Reminder.skip_date, Reminder.created_at, Child.display_name)
           .join(Child, Child.id == Reminder.child_id)
           .where(Child.family_id == bindparam("family_id"),
                  Reminder.active == True,  # noqa: E712
                  STILL_SHOWN,
                  or_(Reminder.kind == PRACTICE,
                      and_(Reminder.kind == THERAPIST,
                           Reminder.user_id == bindparam("user_id"))))
           .order_by(Reminder.id))


@dataclass(frozen=True)
class Feed:
    """What one fetch of a feed serves: its events, and when they last changed."""

    events: list[FeedEvent]
    changed_at: datetime


@dataclass(frozen=True)
class FeedLinks:
    """Where an event sends the caregiver, and the host that makes its UID unique."""

    practice: str
    therapist: str
    uid_host: str


def feed_of(session: Session, user: User) -> CalendarFeed | None:
    """Return the user's calendar feed, or None while it is off."""
    return session.get(CalendarFeed, user.id)


def _check_caregiver(user: User) -> None:
    if user.role != Role.CAREGIVER or user.family_id is None:
        raise NotAllowed("Only caregivers in a family have a calendar feed.")


def turn_on(session: Session, user: User, *, show_child_names: bool = False,
            ip: str = "") -> str:
    """Give the user a feed with a new secret link (replacing any old one); return the token."""
    _check_caregiver(user)
    feed = feed_of(session, user)
    token, token_hash = tokens.new_token()
    if feed is None:
        session.add(CalendarFeed(user_id=user.id, token_hash=token_hash,
                                 show_child_names=show_child_names))
        action = "calendar_feed_on"
    else:  # a second tap on "turn on": the newest link is the one shown, so it is the one
        feed.token_hash, feed.show_child_names = token_hash, show_child_names
        action = "calendar_feed_new_link"
    audit.record(session, action, actor_id=user.id, family_id=user.family_id, ip=ip)
    session.commit()
    return token


def new_link(session: Session, user: User, *, ip: str = "") -> str:
    """Replace the feed's secret link; the old one stops working at once. Return the token."""
    feed = feed_of(session, user)
    if feed is None:
        raise DomainError(_IS_OFF)
    token, feed.token_hash = tokens.new_token()
    audit.record(session, "calendar_feed_new_link", actor_id=user.id, family_id=user.family_id,
                 ip=ip)
    session.commit()
    return token


def show_child_names(session: Session, user: User, show: bool, *, ip: str = "") -> CalendarFeed:
    """Choose whether the feed's event titles name the child."""
    feed = feed_of(session, user)
    if feed is None:
        raise DomainError(_IS_OFF)
    if feed.show_child_names != show:
        feed.show_child_names = show
        audit.record(session, "calendar_feed_names_shown" if show else "calendar_feed_names_hidden",
                     actor_id=user.id, family_id=user.family_id, ip=ip)
    session.commit()
    return feed


def turn_off(session: Session, user: User, *, ip: str = "") -> None:
    """Delete the user's feed: its link stops working at once (doing it twice does nothing)."""
    feed = feed_of(session, user)
    if feed is not None:
        session.delete(feed)
        audit.record(session, "calendar_feed_off", actor_id=user.id, family_id=user.family_id,
                     ip=ip)
    session.commit()


def _token_hash(token: str) -> str | None:
    """The stored form of a well-formed token, or None for anything that cannot be one."""
    if len(token) not in _TOKEN_LENGTHS or not set(token) <= _TOKEN_CHARS:
        return None
    return tokens.hash_token(token)


def open_feed(session: Session, token: str, links: FeedLinks,
              now: datetime | None = None) -> Feed | None:
    """Return what the feed with this token lists, or None for an unknown or revoked token.

    When the events differ from those served last time, their new hash and the time are
    stored: Last-Modified then says when what the feed shows last changed, and an unchanged
    feed answers If-Modified-Since with 304 however often it is fetched.
    """
    token_hash = _token_hash(token)
    found = session.exec(_FEED_BY_HASH, params={"token_hash": token_hash}).first() \
        if token_hash else None
    if found is None:
        return None
    feed, family_id = found
    rows = session.exec(_LISTED, params={"family_id": family_id, "user_id": feed.user_id,
                                         "ended_since": ended_since(now)})
    events = _events(list(rows), feed, links)
    content_hash = hashlib.sha256(repr((_FORMAT, events)).encode()).hexdigest()
    if content_hash != feed.content_hash:
        feed.content_hash, feed.changed_at = content_hash, _later(feed, now or utcnow())
        session.commit()
    return Feed(events, feed.changed_at)


def _later(feed: CalendarFeed, now: datetime) -> datetime:
    """The new change time: now, but at least a whole second after the last change served, as
    HTTP dates count whole seconds (a client holding the old one must not get a 304)."""
    if not feed.content_hash:
        return now
    return max(now, feed.changed_at.replace(microsecond=0) + timedelta(seconds=1))


def _events(rows: list, feed: CalendarFeed, links: FeedLinks) -> list[FeedEvent]:
    # The caregiver's own reminder first, so its snooze is the one shown for a shared schedule.
    rows.sort(key=lambda r: (r.user_id != feed.user_id, r.id))
    events, seen = [], set()
    for row in rows:
        if row.kind == PRACTICE:
            same = (row.child_id, row.weekdays, row.local_time, row.timezone, row.ends_on)
            if same in seen:
                continue
            seen.add(same)
        first_day = _first_day(row)
        if first_day is not None:
            events.append(_event(row, first_day, feed.show_child_names, links))
    return sorted(events, key=lambda e: e.uid)


def _first_day(row) -> date | None:
    """The local date of the reminder's first occurrence after it was made, if any."""
    try:
        due = schedule.next_occurrence_utc(row.weekdays, row.local_time, row.timezone,
                                           row.created_at, ends_on=row.ends_on)
    except (ValueError, KeyError):
        return None  # a stored schedule no form accepts: left out, not a failed feed
    return schedule.occurrence_date(due, row.local_time, row.timezone) if due else None


def _event(row, first_day: date, show_name: bool, links: FeedLinks) -> FeedEvent:
    name = single_line(row.display_name) if show_name else ""
    if row.kind == THERAPIST:
        summary = "Reminder from your therapist"
        description = "Read it in your Brave Steps inbox."
        url = links.therapist
    else:
        summary = "Practice time"
        description = "Log how it went in Brave Steps."
        url = links.practice
    return FeedEvent(uid=f"reminder-{row.id}@{links.uid_host}",
                     summary=f"{summary}: {name}" if name else summary,
                     description=f"{description} {url}", url=url, weekdays=row.weekdays,
                     local_time=row.local_time, timezone=row.timezone, first_day=first_day,
                     ends_on=row.ends_on, skip_date=row.skip_date)
