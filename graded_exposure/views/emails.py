"""Emails sent for a person (sign-up, reset, invitations): limited, rendered, then sent.

Each kind has three templates in templates/email/: `<kind>.subject.txt`, `<kind>.txt` and
`<kind>.html`. Links in them come from public_address.public_url (BASE_URL), never from the
request; lifetimes from filters.lifetime (the config values that enforce them).
"""
import smtplib

from flask import current_app

from ..channels import mail
from ..db import get_session
from ..email_templates import render_email
from ..errors import DomainError
from ..services import mail_quota
from .responses import client_ip

NOT_SENT = ("We could not send the email just now, so nothing was saved. "
            "Please try again in a few minutes.")


class MailNotSent(DomainError):
    """The mail server refused or could not be reached; the caller stores nothing."""


def reserve(kind: str, to: str, sender_id: int | None = None) -> None:
    """Count one email of this kind to this address, or raise MailLimitReached."""
    mail_quota.reserve(get_session(), mail_quota.MailLimits.from_config(current_app.config),
                       kind=kind, recipient=to, sender_id=sender_id, ip=client_ip())


def send(kind: str, to: str, **context) -> None:
    """Render the kind's templates and send them to one address, or raise MailNotSent."""
    email = render_email(kind, **context)
    try:
        mail.send_mail(current_app.config, to, email.subject, email.text, email.html)
    except (smtplib.SMTPException, OSError, mail.BadAddress) as e:
        current_app.logger.warning("%s email not sent: %s", kind, e.__class__.__name__)
        raise MailNotSent(NOT_SENT) from e
