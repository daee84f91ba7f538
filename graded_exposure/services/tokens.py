"""Single-use secret tokens: only a SHA-256 of the token is stored."""
import hashlib
import secrets
from collections.abc import Callable

from sqlalchemy import update
from sqlmodel import Session

from ..errors import TokenInvalid
from ..models import utcnow


def new_token() -> tuple[str, str]:
    """Return a fresh 256-bit token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()


def commit_once_sent(session: Session, send: Callable[[], None]) -> None:
    """Commit the new token's row only if the email carrying it went out; else store nothing."""
    try:
        send()
    except BaseException:
        session.rollback()
        raise
    session.commit()


def use_once(session: Session, row, refused: str, *, unused=None, **values) -> None:
    """Mark a single-use row used, with `values`, unless someone used it since it was read:
    then roll the whole transaction back and raise TokenInvalid(refused). `unused` says what
    unused is (by default an empty `used_at`, which this then sets). The check is in the UPDATE
    itself, so two requests racing on one link (a double tap, two people) cannot both get
    through, on PostgreSQL's concurrent writers too."""
    model = type(row)
    if unused is None:
        unused, values = model.used_at.is_(None), {"used_at": utcnow(), **values}
    done = session.execute(update(model).where(model.id == row.id, unused).values(**values))
    if done.rowcount != 1:
        session.rollback()
        raise TokenInvalid(refused)
