"""Reminder emails: plain text plus simple HTML, with a one-click unsubscribe per kind."""
import smtplib

from sqlmodel import Session

from ..email_templates import render_email
from ..models import User
from ..public_address import absolute, base_url
from ..services.notification_settings import KIND_LABELS, is_opted_out, unsubscribe_token
from . import ChannelError, OutgoingMessage, mail

# Served by views/email_unsubscribe.py; kept here because emails are built outside a request.
UNSUBSCRIBE_PATH = "/unsubscribe/{token}"
DEFAULT_SUBJECT = "A reminder from Brave Steps"


def send_email(session: Session, config: dict, message: OutgoingMessage) -> None:
    """Send a reminder email to the message's user (respecting their unsubscribes)."""
    user = session.get(User, message.user_id)
    if user is None or is_opted_out(session, user.id, message.kind):
        return
    token = unsubscribe_token(config["SECRET_KEY"], user.id, message.kind)
    unsubscribe = base_url(config) + UNSUBSCRIBE_PATH.format(token=token)
    link = absolute(config, message.link)
    # The subject shows in notification previews and mail lists: never the child's name,
    # so it uses the same words as a push notification.
    email = render_email("reminder", subject=message.push_title or DEFAULT_SUBJECT,
                         title=message.title, body=message.body, link=link,
                         unsubscribe=unsubscribe,
                         kind_label=KIND_LABELS.get(message.kind, "reminders"))
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
    }
    try:
        mail.send_mail(config, user.email, email.subject, email.text, email.html,
                       headers=headers)
    except (smtplib.SMTPException, OSError) as e:
        raise ChannelError(f"email to user {user.id} failed: {e.__class__.__name__}") from e
