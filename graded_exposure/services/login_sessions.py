"""Server-side login sessions: a cookie is only as good as its row here."""
import secrets
from datetime import timedelta

from sqlalchemy import bindparam
from sqlalchemy.orm.attributes import set_committed_value
from sqlmodel import Session, delete, select, update

from ..models import Family, User, UserSession, UTCDateTime, utcnow

# Run on every request, so built once: the session row's times, its user and the user's family.
# The row's two columns, not the row: loading an object costs the ORM more than reading them.
# The user and the family as two plain objects, tied together after: cheaper than joinedload.
_LIVE_SESSION = (select(UserSession.last_seen_at, UserSession.created_at, User, Family)
                 .join(User, User.id == UserSession.user_id)
                 .outerjoin(Family, Family.id == User.family_id)
                 .where(UserSession.id == bindparam("sid"),
                        UserSession.user_id == bindparam("user_id")))
_TOUCH = (update(UserSession).where(UserSession.id == bindparam("sid"))
          .values(last_seen_at=bindparam("now", type_=UTCDateTime)))
_END = delete(UserSession).where(UserSession.id == bindparam("sid"))
# Writing last_seen on every request would turn every page view into a write.
_TOUCH_EVERY = timedelta(minutes=5)


def start(session: Session, user: User) -> str:
    """Create a new login session for the user and return its id."""
    sid = secrets.token_urlsafe(32)
    session.add(UserSession(id=sid, user_id=user.id))
    return sid


def user_for(session: Session, sid: str | None, user_id: int,
             idle_timeout: timedelta, lifetime: timedelta) -> User | None:
    """Return the user of a live session, or None if it ended, idled out or expired."""
    if not sid:
        return None
    found = session.exec(_LIVE_SESSION, params={"sid": sid, "user_id": user_id}).first()
    if found is None:
        return None
    last_seen, created, user, family = found
    set_committed_value(user, "family", family)
    now = utcnow()
    if now - last_seen > idle_timeout or now - created > lifetime:
        session.connection().execute(_END, {"sid": sid})
        session.commit()
        return None
    if now - last_seen > _TOUCH_EVERY:
        session.connection().execute(_TOUCH, {"sid": sid, "now": now})
        session.commit()
    return user


def end(session: Session, sid: str | None) -> None:
    """End one login session."""
    if sid:
        session.connection().execute(_END, {"sid": sid})


def end_all_others(session: Session, user_id: int, keep_sid: str | None) -> None:
    """End every session of the user except the one being used now."""
    stmt = delete(UserSession).where(UserSession.user_id == user_id)
    if keep_sid:
        stmt = stmt.where(UserSession.id != keep_sid)
    session.exec(stmt)
