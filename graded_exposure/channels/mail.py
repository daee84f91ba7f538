"""Send one email over SMTP, or write it to the log when no SMTP server is configured.

A message with a text and an HTML part is written out by mime.py, at a tenth of the cost of
the standard library's EmailMessage, which still builds any other shape; it goes to a server
that advertises PIPELINING in two round trips instead of four (smtp_pipelining.py).

Header values are built safely: a subject is folded onto one line (a name with a newline in
it cannot add headers), and an address with a line break is refused before anything is sent.

Inside `kept_open(config)` (the outbox wraps each run in it) every message goes through one
SMTP connection instead of one connection each: a connection is opened on first use, checked
with NOOP before reuse when it has been idle a while (servers drop idle clients), replaced
after MAIL_MESSAGES_PER_CONNECTION messages (servers cap messages per connection), and closed
after any error, so the next message starts on a fresh one. A failed message is never retried
here (see services/outbox.py): after an error mid-message it may or may not have gone out.
"""
import logging
import re
import smtplib
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from functools import lru_cache

from . import mime, smtp_pipelining

log = logging.getLogger(__name__)

MESSAGES_PER_CONNECTION = 100
PROBE_AFTER_IDLE = 5.0  # seconds

_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\u0085\u2028\u2029]+")


class BadAddress(ValueError):
    """An address that cannot be put in a header as it is."""


def one_line(text: str) -> str:
    """Return text with every run of control characters and line breaks made one space."""
    return " ".join(_LINE_BREAKS.sub(" ", text).split())


def _address(value: str) -> str:
    if _LINE_BREAKS.search(value):
        raise BadAddress("an email address cannot contain a line break")
    return value


def is_configured(config: dict) -> bool:
    """True when emails really go out; without a MAIL_SERVER they only reach the log."""
    return bool(config.get("MAIL_SERVER"))


def send_mail(config: dict, to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> None:
    """Send one message; with MAIL_SERVER unset (development) log it instead."""
    sender, to, subject = _address(config["MAIL_SENDER"]), _address(to), one_line(subject)
    headers = _stamp(sender) | {name: one_line(value) for name, value in (headers or {}).items()}
    if not is_configured(config):
        log.info("Email (no MAIL_SERVER set, not sent) to %s: %s\n%s", to, subject, text)
        return
    message = mime.compose(sender, to, subject, text, html, headers) if html else None
    if message is None:
        message = _email_message(sender, to, subject, text, html, headers)
    kept = _kept.get()
    if kept is not None and kept.config is config:
        kept.send(sender, to, message)
        return
    with _connect(config) as smtp:
        _hand_over(smtp, sender, to, message)


def _stamp(sender: str) -> dict[str, str]:
    """The headers every message carries: when it was written (RFC 5322 requires it), an id of
    its own in the sender's domain (providers refuse mail without one), and that a program sent
    it (RFC 3834: holiday auto-replies leave it alone)."""
    return {"Date": format_datetime(datetime.now(UTC)),
            "Message-ID": make_msgid(domain=_sender_domain(sender)),
            "Auto-Submitted": "auto-generated"}


@lru_cache(maxsize=16)
def _sender_domain(sender: str) -> str:
    return _bare_address(sender).rpartition("@")[2] or "localhost"


def _email_message(sender: str, to: str, subject: str, text: str, html: str | None,
                   headers: dict[str, str]) -> EmailMessage:
    """Build the message the standard library's way: any shape mime.compose does not take."""
    message = EmailMessage()
    message["From"], message["To"], message["Subject"] = sender, to, subject
    for name, value in headers.items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    return message


def _hand_over(smtp: smtplib.SMTP, sender: str, to: str, message: bytes | EmailMessage) -> None:
    if not isinstance(message, bytes):
        smtp.send_message(message)
    elif smtp_pipelining.can_pipeline(smtp):
        smtp_pipelining.send(smtp, _bare_address(sender), to, message)
    else:
        smtp.sendmail(_bare_address(sender), [to], message)


@lru_cache(maxsize=16)
def _bare_address(sender: str) -> str:
    """Return the address of a sender such as "Brave Steps <hello@example.org>"."""
    return parseaddr(sender)[1]


def _connect(config: dict) -> smtplib.SMTP:
    smtp = smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10)
    try:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
    except BaseException:
        smtp.close()
        raise
    return smtp


class _KeptConnection:
    """One SMTP connection reused for message after message (see the module docstring)."""

    def __init__(self, config: dict):
        self.config = config
        self.limit = int(config.get("MAIL_MESSAGES_PER_CONNECTION") or MESSAGES_PER_CONNECTION)
        self.probe_after = float(config.get("MAIL_PROBE_AFTER_IDLE", PROBE_AFTER_IDLE))
        self.smtp: smtplib.SMTP | None = None
        self.sent = 0
        self.last_used = 0.0

    def send(self, sender: str, to: str, message: bytes | EmailMessage) -> None:
        smtp = self._usable()
        try:
            _hand_over(smtp, sender, to, message)
        except BaseException:
            self.close()
            raise
        self.sent += 1
        self.last_used = time.monotonic()

    def _usable(self) -> smtplib.SMTP:
        if self.smtp is not None and (self.sent >= self.limit or not self._alive()):
            self.close()
        if self.smtp is None:
            self.smtp, self.sent = _connect(self.config), 0
        return self.smtp

    def _alive(self) -> bool:
        if time.monotonic() - self.last_used < self.probe_after:
            return True
        try:
            return self.smtp.noop()[0] == 250
        except (smtplib.SMTPException, OSError):
            return False

    def close(self) -> None:
        smtp, self.smtp = self.smtp, None
        if smtp is None:
            return
        try:
            smtp.quit()
        except (smtplib.SMTPException, OSError):
            smtp.close()


_kept: ContextVar[_KeptConnection | None] = ContextVar("kept_smtp_connection", default=None)


@contextmanager
def kept_open(config: dict) -> Iterator[None]:
    """Within the block, send_mail with this config reuses one SMTP connection."""
    if not config.get("MAIL_SERVER") or _kept.get() is not None:
        yield
        return
    kept = _KeptConnection(config)
    token = _kept.set(kept)
    try:
        yield
    finally:
        _kept.reset(token)
        kept.close()
