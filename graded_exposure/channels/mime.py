"""Write a plain-text-and-HTML email as the bytes SMTP sends, without building an EmailMessage.

The standard library's EmailMessage parses every header into objects and folds it again on
output: about 1.5 ms of CPU per reminder email, more than everything else in sending one. Our
emails have one fixed shape (From, To, Subject, a few extra headers, a plain-text part and an
HTML part), so it is written out directly: both parts as UTF-8 quoted-printable (binascii, in
C), between boundaries that begin with "=_", which quoted-printable text can never contain; a
subject or sender name outside ASCII as RFC 2047 encoded words, made by the standard library
once per distinct value. Anything outside that shape (an address outside ASCII, a header line
too long for SMTP) gets None, and mail.py builds that message with EmailMessage as before.

Header values must already be on one line (mail.one_line, mail._address): nothing here
strips line breaks.
"""
import binascii
import secrets
from email.header import Header
from email.utils import formataddr, parseaddr
from functools import lru_cache

MAX_LINE = 998  # RFC 5322: a line, without its CRLF, is at most 998 characters


def compose(sender: str, to: str, subject: str, text: str, html: str,
            headers: dict[str, str]) -> bytes | None:
    """Return the message as CRLF-ended ASCII bytes, or None if it needs EmailMessage."""
    lines = [f"From: {_sender(sender)}", f"To: {to}", f"Subject: {_subject(subject)}",
             *(f"{name}: {value}" for name, value in headers.items())]
    if not to.isascii() or not all(_fits(line) for line in lines):
        return None
    boundary = f"=_{secrets.token_hex(16)}"
    lines += ["MIME-Version: 1.0",
              f'Content-Type: multipart/alternative; boundary="{boundary}"', ""]
    for subtype, body in (("plain", text), ("html", html)):
        lines += [f"--{boundary}", f'Content-Type: text/{subtype}; charset="utf-8"',
                  "Content-Transfer-Encoding: quoted-printable", "", _quoted_printable(body)]
    lines += [f"--{boundary}--", ""]
    return "\r\n".join(lines).encode("ascii")


def _fits(line: str) -> bool:
    return line.isascii() and all(len(part) <= MAX_LINE for part in line.split("\r\n"))


@lru_cache(maxsize=64)
def _sender(sender: str) -> str:
    if sender.isascii():
        return sender
    name, address = parseaddr(sender)
    return formataddr((name, address), charset="utf-8")


@lru_cache(maxsize=256)
def _subject(subject: str) -> str:
    if subject.isascii():
        return subject
    return Header(subject, "utf-8", header_name="Subject").encode(linesep="\r\n")


def _quoted_printable(body: str) -> str:
    """Return the body as quoted-printable UTF-8 with CRLF line ends (lines of 76 at most);
    its last line is ended, as EmailMessage ends it."""
    body = body.replace("\r\n", "\n").replace("\r", "\n")
    lines = (body if body.endswith("\n") else body + "\n").encode("utf-8")
    return binascii.b2a_qp(lines, istext=True).decode("ascii").replace("\n", "\r\n")
