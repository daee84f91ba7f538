"""SMTP PIPELINING: MAIL FROM, RCPT TO and DATA in one write, refusals as sendmail reports them.

Against aiosmtpd told to advertise PIPELINING (tests/mailbox.py), and against a scripted server
on 127.0.0.1 that answers nothing until it has all three commands, so a client that waited
for a reply in between would hang there.
"""
import smtplib
import socket
import threading

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.channels import mail, smtp_pipelining
from tests.mailbox import start_mailbox

MESSAGE = (b"From: a@example.com\r\nTo: b@example.com\r\nSubject: hi\r\n\r\n"
           b"line one\r\n.a line that starts with a dot\r\n.\r\nlast\r\n")


@pytest.fixture
def pipelining_mailbox():
    handler, controller = start_mailbox(pipelining=True)
    yield handler, controller.port
    controller.stop()


def test_an_aiosmtpd_server_gets_the_message_whole(pipelining_mailbox):
    handler, port = pipelining_mailbox
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        assert smtp_pipelining.can_pipeline(smtp)
        smtp_pipelining.send(smtp, "a@example.com", "b@example.com", MESSAGE)
        smtp_pipelining.send(smtp, "a@example.com", "b@example.com", MESSAGE)
    assert len(handler.raw) == 2
    assert handler.raw[0] == MESSAGE  # dots doubled on the wire and undone by the server


def test_a_refused_recipient_raises_as_sendmail_does_and_the_next_message_goes(
        pipelining_mailbox):
    handler, port = pipelining_mailbox
    handler.refused_recipients.add("nobody@example.com")
    with smtplib.SMTP("127.0.0.1", port) as smtp:
        smtp.ehlo()
        with pytest.raises(smtplib.SMTPRecipientsRefused) as refused:
            smtp_pipelining.send(smtp, "a@example.com", "nobody@example.com", MESSAGE)
        assert refused.value.recipients["nobody@example.com"][0] == 550
        smtp_pipelining.send(smtp, "a@example.com", "b@example.com", MESSAGE)
    assert [recipients for recipients, _ in handler.messages] == [["b@example.com"]]


def test_a_refused_message_raises_a_data_error(pipelining_mailbox):
    handler, port = pipelining_mailbox
    handler.refuse = True
    with smtplib.SMTP("127.0.0.1", port) as smtp, pytest.raises(smtplib.SMTPDataError):
        smtp.ehlo()
        smtp_pipelining.send(smtp, "a@example.com", "b@example.com", MESSAGE)


class ScriptedServer:
    """Answers EHLO with PIPELINING, then reads MAIL, RCPT and DATA before answering any of
    them with `replies`; then takes the content (if DATA got 354), and notes every line."""

    def __init__(self, replies: tuple[str, str, str]):
        self.replies, self.lines = replies, []
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.listener.settimeout(10)
        self.port = self.listener.getsockname()[1]
        self.thread = threading.Thread(target=self.serve, daemon=True)
        self.thread.start()

    def serve(self):
        with self.listener:
            connection, _ = self.listener.accept()
        connection.settimeout(5)
        with connection, connection.makefile("rb") as lines:
            connection.sendall(b"220 scripted\r\n")
            self.read(lines)  # EHLO
            connection.sendall(b"250-scripted\r\n250-PIPELINING\r\n250 HELP\r\n")
            for _ in range(3):  # nothing is answered until the three commands are in
                self.read(lines)
            connection.sendall("".join(f"{r}\r\n" for r in self.replies).encode())
            if self.replies[2].startswith("354"):
                while self.read(lines) != b".":
                    pass
                connection.sendall(b"250 ended\r\n")
            while (line := self.read(lines).upper()) not in (b"", b"QUIT"):
                connection.sendall(b"250 OK\r\n" if line == b"RSET" else b"500 ?\r\n")
            connection.sendall(b"221 bye\r\n")

    def read(self, lines) -> bytes:
        line = lines.readline().rstrip(b"\r\n")
        self.lines.append(line)
        return line


def test_the_three_commands_go_before_any_reply_is_read():
    server = ScriptedServer(("250 sender ok", "250 recipient ok", "354 go on"))
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
        smtp.ehlo()
        smtp_pipelining.send(smtp, "a@example.com", "b@example.com", b"Subject: x\r\n\r\nhi\r\n")
    server.thread.join(5)
    assert server.lines[1:4] == [b"MAIL FROM:<a@example.com>", b"RCPT TO:<b@example.com>",
                                 b"DATA"]
    assert server.lines[4:7] == [b"Subject: x", b"", b"hi"]


def test_mail_pipelines_where_the_server_advertises_it(app):
    server = ScriptedServer(("250 sender ok", "250 recipient ok", "354 go on"))
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=server.port,
                      MAIL_SENDER="Brave Steps <a@example.com>")
    mail.send_mail(app.config, "b@example.com", "Subject", "text", "<p>html</p>")
    server.thread.join(5)
    assert server.lines[1:4] == [b"MAIL FROM:<a@example.com>", b"RCPT TO:<b@example.com>",
                                 b"DATA"]
    assert server.lines[-1].upper() == b"QUIT"


def test_data_accepted_for_a_refused_recipient_is_ended_empty_and_reset():
    server = ScriptedServer(("250 sender ok", "550 no such user", "354 go on anyway"))
    with smtplib.SMTP("127.0.0.1", server.port, timeout=5) as smtp:
        smtp.ehlo()
        with pytest.raises(smtplib.SMTPRecipientsRefused):
            smtp_pipelining.send(smtp, "a@example.com", "b@example.com", b"Subject: x\r\n\r\nhi\r\n")
    server.thread.join(5)
    assert [line.upper() for line in server.lines[4:6]] == [b".", b"RSET"]  # no content


@given(st.from_regex(smtp_pipelining._PLAIN_ADDRESS, fullmatch=True)
       | st.text(alphabet=st.sampled_from('ab.@<> "\\(),:;[]é'), max_size=20))
def test_addresses_are_quoted_exactly_as_smtplib_quotes_them(address):
    assert smtp_pipelining.quoted(address) == smtplib.quoteaddr(address)
