"""The in-app inbox: a user's reminder messages, newest first, and marking them read."""
from dataclasses import dataclass
from datetime import datetime

from sqlmodel import Session, func, select, update

from ..models import InboxMessage, User, utcnow

PER_PAGE = 20


@dataclass(frozen=True)
class InboxPage:
    """One page of messages, newest first."""

    messages: list[InboxMessage]
    number: int
    has_next: bool

    @property
    def has_previous(self) -> bool:
        return self.number > 1


def inbox_page(session: Session, user: User, number: int = 1,
               per_page: int = PER_PAGE) -> InboxPage:
    """Return page `number` (from 1) of the user's messages."""
    number = max(1, min(number, 10_000))
    query = (select(InboxMessage).where(InboxMessage.user_id == user.id)
             .order_by(InboxMessage.created_at.desc(), InboxMessage.id.desc())
             .offset((number - 1) * per_page).limit(per_page + 1))
    rows = list(session.exec(query))
    return InboxPage(rows[:per_page], number, len(rows) > per_page)


def unread_count(session: Session, user_id: int) -> int:
    """Return how many of the user's messages are unread (one COUNT query)."""
    query = select(func.count()).select_from(InboxMessage).where(
        InboxMessage.user_id == user_id, InboxMessage.read_at.is_(None))
    return session.exec(query).one()


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
