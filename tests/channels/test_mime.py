"""mime.compose: the bytes parse back, with the standard library, to exactly what was given."""
from email import message_from_bytes
from email.policy import SMTP
from email.policy import default as default_policy

import pytest

from graded_exposure.channels import mail, mime

TEXT = ("Time for Zoë's brave practice\n\n" + "A long line = with signs & dots. " * 8 +
        "\n.a line that starts with a dot\nends with spaces   \nno newline at the end")
HTML = '<p>Zoë &amp; <a href="https://example.org/u/abc=def">stop</a></p>\n'
HEADERS = {"List-Unsubscribe": "<https://example.org/unsubscribe/" + "t" * 150 + ">",
           "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


def parsed(raw: bytes):
    return message_from_bytes(raw, policy=default_policy)


def content(message, subtype: str) -> str:
    """Return a part's text as a reader sees it (SMTP's CRLF line ends made newlines)."""
    return message.get_body((subtype,)).get_content().replace("\r\n", "\n")


@pytest.mark.parametrize(("sender", "subject"), [
    ("bench@localhost", "A reminder from Brave Steps"),
    ("Brave Steps <no-reply@example.org>", "Ein Gruß von Brave Steps " * 4),
    ("Pas à pas <no-reply@example.org>", "Brave Steps"),
])
def test_headers_and_both_parts_read_back_as_given(sender, subject):
    raw = mime.compose(sender, "carer@example.org", subject, TEXT, HTML, HEADERS)
    message = parsed(raw)
    assert (message["From"], message["To"], message["Subject"]) == (sender, "carer@example.org",
                                                                     subject)
    assert {name: message[name] for name in HEADERS} == HEADERS
    assert message.get_content_type() == "multipart/alternative" and not message.defects
    assert content(message, "plain") == TEXT + "\n"  # a text part ends its last line
    assert content(message, "html") == HTML


def test_it_reads_back_as_the_email_message_it_stands_in_for_does():
    args = ("Brave Steps <no-reply@example.org>", "carer@example.org", "Grüße", TEXT, HTML,
            HEADERS)
    ours = parsed(mime.compose(*args))
    theirs = parsed(mail._email_message(*args).as_bytes(policy=SMTP))
    for name in ("From", "To", "Subject", *HEADERS, "MIME-Version"):
        assert ours[name] == theirs[name]
    for subtype in ("plain", "html"):
        assert content(ours, subtype) == content(theirs, subtype)
        assert ours.get_body((subtype,))["Content-Type"] == theirs.get_body((subtype,))[
            "Content-Type"]


def test_it_is_ascii_with_crlf_line_ends_none_longer_than_smtp_allows():
    raw = mime.compose("bench@localhost", "carer@example.org", "Hi", TEXT * 20, HTML * 20,
                       HEADERS)
    lines = raw.split(b"\r\n")
    assert raw.isascii() and b"\n" not in raw.replace(b"\r\n", b"")
    assert max(len(line) for line in lines) <= mime.MAX_LINE
    assert max(len(line) for line in lines[lines.index(b""):]) <= 76  # the quoted bodies


def test_each_message_has_its_own_boundary():
    first, second = (parsed(mime.compose("a@b.c", "d@e.f", "Hi", TEXT, HTML, {}))
                     for _ in range(2))
    assert first.get_boundary() != second.get_boundary()


@pytest.mark.parametrize(("to", "headers"), [
    ("zoë@example.org", {}),  # needs SMTPUTF8: the standard library's way
    ("carer@example.org", {"X-Long": "x" * 1200}),
])
def test_what_it_cannot_write_plainly_is_left_to_email_message(to, headers):
    assert mime.compose("a@b.c", to, "Hi", TEXT, HTML, headers) is None
