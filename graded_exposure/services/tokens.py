"""Single-use secret tokens: only a SHA-256 of the token is stored."""
import hashlib
import secrets
from collections.abc import Callable

from sqlmodel import Session


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
