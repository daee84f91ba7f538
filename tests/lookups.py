"""Rows read back for assertions, shared by several test modules."""
from contextlib import contextmanager

from sqlalchemy import event
from sqlmodel import Session, func, select

from graded_exposure.models import Delivery, InboxMessage, Practice, Reminder, Step, User
from graded_exposure.services import ladders


def deliveries(db: Session, r: Reminder) -> list[Delivery]:
    """Return the reminder's deliveries, oldest local date first, read afresh."""
    db.expire_all()
    return db.exec(select(Delivery).where(Delivery.reminder_id == r.id)
                   .order_by(Delivery.local_date)).all()


def inbox(db: Session, user: User) -> list[InboxMessage]:
    """Return the user's inbox messages in the order they arrived, read afresh."""
    db.expire_all()
    return db.exec(select(InboxMessage).where(InboxMessage.user_id == user.id)
                   .order_by(InboxMessage.id)).all()


def practice_count(db: Session) -> int:
    """Return how many practices are stored, read afresh."""
    db.expire_all()
    return db.exec(select(func.count()).select_from(Practice)).one()


def ladder_steps(db: Session, ladder_id: int) -> list[Step]:
    """Return the ladder's steps in order, read afresh."""
    db.expire_all()
    return ladders.with_steps(db, ladder_id).steps


@contextmanager
def counted_statements(engine):
    """Collect every SQL statement the engine sends while the block runs."""
    statements: list[str] = []

    def _count(_conn, _cursor, statement, *_args):
        statements.append(statement)

    event.listen(engine, "before_cursor_execute", _count)
    try:
        yield statements
    finally:
        event.remove(engine, "before_cursor_execute", _count)
