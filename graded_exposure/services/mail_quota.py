"""How many emails a person can make the app send: per recipient, sending account and IP.

Anything that sends email on request can be turned into a weapon (mail bombing, spam with our
name on it), so each request to send counts against three limits in a sliding window, stored in
the database so that every worker shares them. A request counts whether or not the address has
an account, so reaching a limit says nothing about which addresses exist. Recipients are kept
as keyed hashes: the ledger holds no address in clear.
"""
import hashlib
import hmac
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, func, select

from ..errors import DomainError
from ..models import SentMail, utcnow
from ..rules.durations import in_words
from .accounts import normalise_email


@dataclass(frozen=True)
class MailLimits:
    window: timedelta
    per_recipient: int
    per_account: int
    per_ip: int
    key: str

    @classmethod
    def from_config(cls, config) -> "MailLimits":
        """Read the limits from the app's MAIL_LIMIT_* settings."""
        return cls(window=config["MAIL_LIMIT_WINDOW"],
                   per_recipient=config["MAIL_LIMIT_PER_RECIPIENT"],
                   per_account=config["MAIL_LIMIT_PER_ACCOUNT"],
                   per_ip=config["MAIL_LIMIT_PER_IP"], key=config["SECRET_KEY"])


class MailLimitReached(DomainError):
    """Enough emails were asked for in this window; the message says when to try again."""


def recipient_hash(key: str, address: str) -> str:
    """Return the stored form of a recipient address."""
    return hmac.new(key.encode(), normalise_email(address).encode(), hashlib.sha256).hexdigest()


def _count(session: Session, column, value, since) -> int:
    return session.exec(select(func.count()).select_from(SentMail).where(
        column == value, SentMail.at > since)).one()


def reserve(session: Session, limits: MailLimits, *, kind: str, recipient: str,
            sender_id: int | None, ip: str) -> None:
    """Count one email about to be sent, or raise MailLimitReached (nothing counted then)."""
    since = utcnow() - limits.window
    to = recipient_hash(limits.key, recipient)
    if _count(session, SentMail.recipient_hash, to, since) >= limits.per_recipient:
        # Anyone can ask for email to any address, the owner's own request included: the
        # emails already sent are the way on (a reset link from them works, whoever asked).
        raise MailLimitReached(
            "We have sent several emails to this address in a short time, so we are waiting "
            "before sending more. The newest one works: look in the inbox and the spam or junk "
            f"folder. Or try again in {in_words(limits.window)}.")
    if ((sender_id is not None
         and _count(session, SentMail.sender_id, sender_id, since) >= limits.per_account)
            or (ip and _count(session, SentMail.ip, ip, since) >= limits.per_ip)):
        raise MailLimitReached(
            "We have sent several emails for this in a short time, so we are waiting before "
            f"sending more. Please try again in {in_words(limits.window)}, and meanwhile check "
            "the spam or junk folder.")
    session.add(SentMail(kind=kind, recipient_hash=to, sender_id=sender_id, ip=ip[:64]))
    session.commit()
