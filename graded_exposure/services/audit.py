"""Record security events; callers pass no passwords, tokens or note text."""
from sqlmodel import Session

from ..models import AuditEvent


def record(session: Session, action: str, *, actor_id: int | None = None,
           family_id: int | None = None, subject: str = "", ip: str = "") -> None:
    """Add an audit event to the session (committed with the caller's unit of work)."""
    session.add(AuditEvent(action=action, actor_id=actor_id, family_id=family_id,
                           subject=subject[:80], ip=ip[:64]))
