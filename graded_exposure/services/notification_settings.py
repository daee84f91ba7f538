"""A user's notification settings: quiet hours, and which reminder emails they unsubscribed from."""
import hashlib
from collections.abc import Iterable
from datetime import UTC, datetime
from functools import lru_cache

from itsdangerous import BadData, URLSafeSerializer
from sqlmodel import Session, select

from ..errors import DomainError, TokenInvalid
from ..models import REMINDER_KINDS, NotificationSettings, User
from .reminders import checked_time
from .upserts import insert_for

KIND_LABELS = {
    "practice": "Practice reminders",
    "missed_nudge": "Evening nudges when nothing was logged",
    "weekly_digest": "The weekly digest",
    "therapist": "Reminders from your therapist",
    "booster": "Booster practices after a finished ladder",
    "rerate": "Questions a few days after a practice with a prediction",
}
_SALT = "unsubscribe"


def settings_for(session: Session, user_id: int) -> NotificationSettings:
    """Return the user's settings; defaults (no quiet hours, every email) if never saved."""
    return session.get(NotificationSettings, user_id) or NotificationSettings(user_id=user_id)


def _to_change(session: Session, user_id: int) -> NotificationSettings:
    """The user's settings row, made if missing and read afresh under a lock held until the
    commit. Two changes at once (a mail provider's one-click unsubscribe and the person's,
    a double tap on Save) then take turns: neither fails on the new row's key, and the later
    one changes what the earlier one wrote instead of writing over it."""
    connection = session.connection()
    connection.execute(insert_for(connection.dialect.name, NotificationSettings.__table__)
                       .on_conflict_do_nothing(),
                       {"user_id": user_id, "quiet_start": "", "quiet_end": "",
                        "email_opt_out": []})
    return session.exec(select(NotificationSettings)
                        .where(NotificationSettings.user_id == user_id).with_for_update()
                        .execution_options(populate_existing=True)).one()


def save_settings(session: Session, user: User, *, quiet_start: str, quiet_end: str,
                  email_kinds: Iterable[str]) -> NotificationSettings:
    """Set quiet hours (both times, or neither) and the kinds of reminder to email."""
    start, end = (quiet_start or "").strip(), (quiet_end or "").strip()
    if bool(start) != bool(end):
        raise DomainError("Give quiet hours both a start and an end, or leave both empty.")
    if start:
        start, end = checked_time(start), checked_time(end)
        if start == end:
            raise DomainError("Quiet hours need different start and end times.")
    wanted = set(email_kinds)
    if not wanted <= set(REMINDER_KINDS):
        raise DomainError("Choose emails from the list.")
    settings = _to_change(session, user.id)
    settings.quiet_start, settings.quiet_end = start, end
    settings.email_opt_out = [kind for kind in REMINDER_KINDS if kind not in wanted]
    session.commit()
    return settings


@lru_cache(maxsize=4)
def _serializer(secret_key: str) -> URLSafeSerializer:
    # Made once per key: the outbox signs a token for every email it sends.
    return URLSafeSerializer(secret_key, salt=_SALT)


# Links signed before this change (3 Dec 2026) name only the account's id. SQLite gives a deleted
# account's id to the next account made, so such a link is honoured only for an account older.
_ID_ONLY_UNTIL = datetime(2026, 12, 3, 18, 0, tzinfo=UTC)
_INVALID = "This unsubscribe link is not valid."


def unsubscribe_token(secret_key: str, user_id: int, kind: str, email: str) -> str:
    """Return the signed token of a one-click unsubscribe link for one kind of email, to one
    address of one account: a later account given a deleted one's id is not its account."""
    return _serializer(secret_key).dumps({"user": user_id, "kind": kind, "to": _to(email)})


def _to(email: str) -> str:
    return hashlib.sha256(email.encode()).hexdigest()[:16]


def read_unsubscribe_token(session: Session, secret_key: str, token: str) -> tuple[User, str]:
    """Return the user and email kind a token stands for, or raise TokenInvalid."""
    try:
        data = _serializer(secret_key).loads(token)
    except BadData:
        raise TokenInvalid(_INVALID) from None
    user_id, kind = (data.get("user"), data.get("kind")) if isinstance(data, dict) else (0, "")
    user = session.get(User, user_id) if isinstance(user_id, int) else None
    if user is None or kind not in REMINDER_KINDS or not _sent_to(user, data.get("to")):
        raise TokenInvalid(_INVALID)
    return user, kind


def _sent_to(user: User, to) -> bool:
    if to is None:  # a link from before they named the address
        return user.created_at < _ID_ONLY_UNTIL
    return to == _to(user.email)


def is_opted_out(session: Session, user_id: int, kind: str) -> bool:
    """True when the user unsubscribed from this kind of reminder email."""
    return kind in settings_for(session, user_id).email_opt_out


def opt_out_of_email(session: Session, user: User, kind: str) -> None:
    """Stop emails of this kind to the user (idempotent)."""
    settings = _to_change(session, user.id)
    if kind not in settings.email_opt_out:
        # A new list, so the JSON column sees the change.
        settings.email_opt_out = [*settings.email_opt_out, kind]
    session.commit()
