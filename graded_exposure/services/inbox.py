"""The in-app inbox: a user's reminder messages, newest first, and marking them read."""
from datetime import datetime

from sqlalchemy import bindparam
from sqlmodel import Session, func, select, update

from ..models import InboxMessage, User, utcnow
from .pagination import Page, paginate

PER_PAGE = 20


# Newest first, through the index by user and time (models.InboxMessage).
PAGE = (select(InboxMessage).where(InboxMessage.user_id == bindparam("user_id"))
        .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc()))


def inbox_page(session: Session, user: User, number: int = 1,
               per_page: int = PER_PAGE) -> Page[InboxMessage]:
    """Return page `number` (from 1) of the user's messages, newest first."""
    return paginate(session, PAGE, number, per_page, params={"user_id": user.id})


# The navigation's badge shows up to this many unread messages, then "99+".
UNREAD_SHOWN = 99
# Every page's navigation shows it, so the statement is built once. It counts no further than
# the badge shows: an inbox nobody opens grows by every in-app reminder, for years.
_UNREAD = select(func.count()).select_from(
    select(InboxMessage.id).where(InboxMessage.user_id == bindparam("user_id"),
                                  InboxMessage.read_at.is_(None))
    .limit(UNREAD_SHOWN + 1).subquery())


def unread_count(session: Session, user_id: int) -> int:
    """Return how many of the user's messages are unread, at most UNREAD_SHOWN + 1 (one
    query)."""
    return session.connection().execute(_UNREAD, {"user_id": user_id}).scalar_one()


def mark_read(session: Session, message: InboxMessage, now: datetime | None = None) -> InboxMessage:
    """Mark one message read (keeping the first time it was read)."""
    if message.read_at is None:
        message.read_at = now or utcnow()
        session.commit()
    return message


def mark_all_read(session: Session, user: User, now: datetime | None = None) -> None:
    """Mark every unread message of the user read, in one statement."""
    session.exec(update(InboxMessage)
                 .where(InboxMessage.user_id == user.id, InboxMessage.read_at.is_(None))
                 .values(read_at=now or utcnow()))
    session.commit()
