"""When a unique constraint decides between two writes racing (a form sent twice, two caregivers
at once): one home for "roll back, and answer with the row that won"."""
from collections.abc import Callable
from typing import TypeVar

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session

T = TypeVar("T")


def write_or_winner(session: Session, write: Callable[[], T],
                    winner: Callable[[], T | None]) -> T:
    """Return what `write()` stored; when a unique constraint refuses it, roll the session back
    and return `winner()`, the row already stored. With no winner to find, the refusal was
    about something else: it goes on up."""
    try:
        return write()
    except IntegrityError:
        session.rollback()
        found = winner()
        if found is None:
            raise
        return found
