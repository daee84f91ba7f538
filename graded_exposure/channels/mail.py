"""Send one email over SMTP, or write it to the log when no SMTP server is configured.

Header values are built safely: a subject is folded onto one line (a name with a newline in
it cannot add headers), and an address with a line break is refused before anything is sent.
"""
import logging
import re
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)

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


def send_mail(config: dict, to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> None:
    """Send one message; with MAIL_SERVER unset (development) log it instead."""
    message = EmailMessage()
    message["From"] = _address(config["MAIL_SENDER"])
    message["To"] = _address(to)
    message["Subject"] = one_line(subject)
    for name, value in (headers or {}).items():
        message[name] = one_line(value)
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if not config.get("MAIL_SERVER"):
        log.info("Email (no MAIL_SERVER set, not sent) to %s: %s\n%s", to, message["Subject"],
                 text)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
