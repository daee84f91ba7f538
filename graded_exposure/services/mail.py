"""Send email over SMTP, or write it to the log when no SMTP server is configured."""
import logging
import smtplib
from email.message import EmailMessage

log = logging.getLogger(__name__)


def send_mail(config: dict, to: str, subject: str, text: str, html: str | None = None,
              headers: dict[str, str] | None = None) -> None:
    """Send one message; with MAIL_SERVER unset (development) log it instead."""
    message = EmailMessage()
    message["From"] = config["MAIL_SENDER"]
    message["To"] = to
    message["Subject"] = subject
    for name, value in (headers or {}).items():
        message[name] = value
    message.set_content(text)
    if html:
        message.add_alternative(html, subtype="html")
    if not config.get("MAIL_SERVER"):
        log.info("Email (no MAIL_SERVER set, not sent) to %s: %s\n%s", to, subject, text)
        return
    with smtplib.SMTP(config["MAIL_SERVER"], config["MAIL_PORT"], timeout=10) as smtp:
        if config.get("MAIL_USE_TLS"):
            smtp.starttls()
        if config.get("MAIL_USERNAME"):
            smtp.login(config["MAIL_USERNAME"], config["MAIL_PASSWORD"])
        smtp.send_message(message)
