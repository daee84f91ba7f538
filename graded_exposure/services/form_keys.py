"""The idempotency key a form sends so that it is stored once: one check for every service."""
from ..errors import DomainError

MAX_KEY_LENGTH = 64  # the column's length (models: idempotency_key)
KEY_LOST = "This form has lost its key. Reload the page and try again."


class KeyLost(DomainError):
    """The form's key cannot store it: empty, overlong, or already used for something else.
    The form is shown again with a fresh key (views.responses.refusal_on)."""

    def __init__(self, message: str = KEY_LOST):
        super().__init__(message)


def checked_key(idempotency_key: str | None) -> str:
    """Return the key without surrounding spaces; refuse an empty or overlong one."""
    key = (idempotency_key or "").strip()
    if not key or len(key) > MAX_KEY_LENGTH:
        raise KeyLost()
    return key
