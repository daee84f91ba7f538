"""Every email says when it was written, carries its own Message-ID and is marked automatic.

RFC 5322 requires Date; large providers refuse mail without a Message-ID; Auto-Submitted
(RFC 3834) keeps holiday auto-replies from answering reminders. Sent over SMTP to a real
server on 127.0.0.1, by both of mail.py's writers: mime.compose (text and HTML) and
EmailMessage (a text-only message, or an address outside ASCII).
"""
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime

import pytest

from graded_exposure.channels import mail
from tests.mailbox import start_mailbox


@pytest.fixture
def mailbox():
    handler, controller = start_mailbox()
    yield handler, {"MAIL_SERVER": "127.0.0.1", "MAIL_PORT": controller.port,
                    "MAIL_SENDER": "Brave Steps <hello@brave.example.org>"}
    controller.stop()


WRITERS = {
    "mime.compose": {"to": "sam@example.com", "html": "<p>Hello</p>"},
    "EmailMessage, text only": {"to": "sam@example.com", "html": None},
    "EmailMessage, address outside ASCII": {"to": "josé@example.com", "html": "<p>Hi</p>"},
}


@pytest.mark.parametrize("writer", WRITERS.values(), ids=WRITERS.keys())
def test_each_message_has_a_date_its_own_message_id_and_says_it_is_automatic(mailbox, writer):
    handler, config = mailbox
    before = datetime.now(UTC).replace(microsecond=0)
    for _ in range(2):
        mail.send_mail(config, writer["to"], "Hello", "Hello", writer["html"],
                       {"X-Kind": "test"})
    first, second = [message for _, message in handler.messages]
    for message in (first, second):
        sent = parsedate_to_datetime(message["Date"])
        assert sent.utcoffset() == timedelta(0)
        assert before <= sent <= datetime.now(UTC) + timedelta(seconds=1)
        assert message["Message-ID"].startswith("<")
        assert message["Message-ID"].endswith("@brave.example.org>")
        assert message["Auto-Submitted"] == "auto-generated"
        assert message["X-Kind"] == "test"
        assert len(message.get_all("Date")) == len(message.get_all("Message-ID")) == 1
    assert first["Message-ID"] != second["Message-ID"]
