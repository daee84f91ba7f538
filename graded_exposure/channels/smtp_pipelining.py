"""Hand one message to an SMTP server in two round trips instead of four (RFC 2920 PIPELINING).

smtplib's sendmail waits for the reply to MAIL FROM before it sends RCPT TO, and for that
before DATA: four round trips a message with the content. A server that advertises PIPELINING
(every common mail server does) takes MAIL FROM, RCPT TO and DATA in one write; its three
replies come back together; then the content goes, and one reply says whether the message was
accepted. Replies are judged as sendmail judges them and raise the same exceptions, so a caller
cannot tell the two ways apart except by speed. If the server accepted DATA although it refused
the sender or the recipient (RFC 2920 asks it not to), the empty message is ended at once and
the transaction reset, so nothing is delivered.

Used by mail.py for a message already written as bytes with one recipient; anything else, and
any server that does not advertise PIPELINING, goes through sendmail as before.
"""
import re
import smtplib
from contextlib import suppress

_LEADING_DOT = re.compile(rb"(?m)^\.")  # RFC 5321 4.5.2: a line's leading dot is doubled
# A bare address of dot-atoms (RFC 5322 3.4.1), as nearly every address is: smtplib.quoteaddr
# returns it in angle brackets after parsing it with the email package (130 µs an email).
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*"
                            r"@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*")
_END = b".\r\n"


def can_pipeline(smtp: smtplib.SMTP) -> bool:
    """Return True when the server (greeted first if need be) advertises PIPELINING."""
    smtp.ehlo_or_helo_if_needed()
    return smtp.does_esmtp and smtp.has_extn("pipelining")


def send(smtp: smtplib.SMTP, sender: str, to: str, message: bytes) -> None:
    """Send `message` from `sender` to `to`; raise as smtplib.SMTP.sendmail raises."""
    size = f" SIZE={len(message)}" if smtp.has_extn("size") else ""
    smtp.send(f"MAIL FROM:{quoted(sender)}{size}\r\nRCPT TO:{quoted(to)}\r\nDATA\r\n")
    mail, rcpt, data = smtp.getreply(), smtp.getreply(), smtp.getreply()
    if data[0] == 354 and (mail[0] != 250 or rcpt[0] not in (250, 251)):
        smtp.send(_END)  # end the transaction the server should not have opened
        smtp.getreply()
        data = (503, b"no valid sender or recipient")
    if mail[0] != 250:
        _abandon(smtp, mail[0])
        raise smtplib.SMTPSenderRefused(mail[0], mail[1], sender)
    if rcpt[0] not in (250, 251):
        _abandon(smtp, rcpt[0])
        raise smtplib.SMTPRecipientsRefused({to: rcpt})
    if data[0] != 354:
        _abandon(smtp, data[0])
        raise smtplib.SMTPDataError(*data)
    content = _LEADING_DOT.sub(b"..", message)
    smtp.send(content + (b"" if content.endswith(b"\r\n") else b"\r\n") + _END)
    code, reply = smtp.getreply()
    if code != 250:
        _abandon(smtp, code)
        raise smtplib.SMTPDataError(code, reply)


def quoted(address: str) -> str:
    """Return the address as MAIL FROM and RCPT TO take it, exactly as smtplib.quoteaddr does."""
    return f"<{address}>" if _PLAIN_ADDRESS.fullmatch(address) else smtplib.quoteaddr(address)


def _abandon(smtp: smtplib.SMTP, code: int) -> None:
    """After a refusal: close on 421 (the server is going away), else reset, as sendmail does."""
    if code == 421:
        smtp.close()
        return
    with suppress(smtplib.SMTPServerDisconnected):
        smtp.rset()
