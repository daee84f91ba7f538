"""Reminder emails: plain text plus simple HTML, with a one-click unsubscribe per kind."""
import smtplib
from html import escape

from sqlmodel import Session

from ..models import User
from ..public_address import absolute, base_url
from ..services.notification_settings import KIND_LABELS, is_opted_out, unsubscribe_token
from . import ChannelError, OutgoingMessage, mail

# Served by views/email_unsubscribe.py; kept here because emails are built outside a request.
UNSUBSCRIBE_PATH = "/unsubscribe/{token}"
DEFAULT_SUBJECT = "A reminder from Brave Steps"


def _text(message: OutgoingMessage, link: str, unsubscribe: str, kind_label: str) -> str:
    return (f"{message.title}\n\n{message.body}\n\nOpen Brave Steps: {link}\n\n--\n"
            f"You get this email because you set up {kind_label.lower()} in Brave Steps.\n"
            f"Stop these emails with one click: {unsubscribe}\n")


def _html(message: OutgoingMessage, link: str, unsubscribe: str, kind_label: str) -> str:
    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in message.body.splitlines() if line)
    return (
        '<!doctype html><html lang="en"><head><meta charset="utf-8">'
        f"<title>{escape(message.push_title or DEFAULT_SUBJECT)}</title></head>"
        '<body style="font-family: sans-serif; line-height: 1.5; max-width: 36em;">'
        f"<h1 style=\"font-size: 1.3em;\">{escape(message.title)}</h1>{paragraphs}"
        f'<p><a href="{escape(link)}">Open Brave Steps</a></p>'
        '<hr><p style="font-size: 0.9em; color: #555;">You get this email because you set up '
        f"{escape(kind_label.lower())} in Brave Steps. "
        f'<a href="{escape(unsubscribe)}">Stop these emails</a>.</p></body></html>'
    )


def send_email(session: Session, config: dict, message: OutgoingMessage) -> None:
    """Send a reminder email to the message's user (respecting their unsubscribes)."""
    user = session.get(User, message.user_id)
    if user is None or is_opted_out(session, user.id, message.kind):
        return
    token = unsubscribe_token(config["SECRET_KEY"], user.id, message.kind)
    unsubscribe = base_url(config) + UNSUBSCRIBE_PATH.format(token=token)
    link = absolute(config, message.link)
    kind_label = KIND_LABELS.get(message.kind, "reminders")
    # The subject shows in notification previews and mail lists: never the child's name,
    # so it uses the same words as a push notification.
    subject = message.push_title or DEFAULT_SUBJECT
    headers = {
        "List-Unsubscribe": f"<{unsubscribe}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",  # RFC 8058 one-click
    }
    try:
        mail.send_mail(config, user.email, subject, _text(message, link, unsubscribe, kind_label),
                       _html(message, link, unsubscribe, kind_label), headers=headers)
    except (smtplib.SMTPException, OSError) as e:
        raise ChannelError(f"email to user {user.id} failed: {e.__class__.__name__}") from e
