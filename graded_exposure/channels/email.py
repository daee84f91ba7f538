"""Reminder emails: plain text plus simple HTML, with a one-click unsubscribe per kind."""
import smtplib
from typing import NamedTuple

from sqlalchemy import Connection, bindparam, select
from sqlmodel import Session

from ..email_templates import render_email
from ..models import NotificationSettings, User
from ..public_address import absolute, base_url
from ..services import driver_statements
from ..services.notification_settings import KIND_LABELS, unsubscribe_token
from . import ChannelError, OutgoingMessage, mail

# Served by views/email_unsubscribe.py; kept here because emails are built outside a request.
UNSUBSCRIBE_PATH = "/unsubscribe/{token}"
DEFAULT_SUBJECT = "A reminder from Brave Steps"

# The address and the kinds unsubscribed from, in one statement built once: this runs for
# every email the outbox sends (see services/notification_settings.py for the settings).
_RECIPIENT = (select(User.__table__.c.email, NotificationSettings.__table__.c.email_opt_out)
              .outerjoin(NotificationSettings.__table__,
                         NotificationSettings.__table__.c.user_id == User.__table__.c.id)
              .where(User.__table__.c.id == bindparam("user_id")))


class _Recipient(NamedTuple):
    email: str
    email_opt_out: list[str] | None


def send_email(db: Connection | Session, config: dict, message: OutgoingMessage) -> None:
    """Send a reminder email to the message's user (respecting their unsubscribes)."""
    found = driver_statements.fetch_all(db, _RECIPIENT, {"user_id": message.user_id},
                                        _Recipient._make)
    recipient = found[0] if found else None
    if recipient is None or message.kind in (recipient.email_opt_out or ()):
        return  # deleted, or unsubscribed from this kind (no settings saved: every kind)
    token = unsubscribe_token(config["SECRET_KEY"], message.user_id, message.kind,
                              recipient.email)
    unsubscribe = base_url(config) + UNSUBSCRIBE_PATH.format(token=token)
    link = absolute(config, message.link)
    # The subject and the opening line show in mail lists and in previews on a locked phone:
    # never the child's name or the feared step, so they are a push notification's words
    # (each kind its own); the named title and body come after the link.
    email = render_email("reminder", subject=message.push_body.rstrip(".") or DEFAULT_SUBJECT,
                         opener=message.push_body or DEFAULT_SUBJECT,
                         title=message.title, body=message.body, link=link,
                         unsubscribe=unsubscribe,
                         kind_label=KIND_LABELS.get(message.kind, "reminders"))
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
    }
    try:
        mail.send_mail(config, recipient.email, email.subject, email.text, email.html,
                       headers=headers)
    except (smtplib.SMTPException, OSError) as e:
        raise ChannelError(f"email to user {message.user_id} failed: {e.__class__.__name__}") from e
