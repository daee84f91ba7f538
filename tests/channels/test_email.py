"""Reminder emails through a real SMTP server (aiosmtpd on 127.0.0.1), and one-click unsubscribe."""
import re
from urllib.parse import urlsplit

import pytest
from aiosmtpd.controller import Controller
from itsdangerous import URLSafeSerializer
from markupsafe import escape
from sqlmodel import select

from graded_exposure.channels import ChannelError, OutgoingMessage, mail
from graded_exposure.channels.email import send_email
from graded_exposure.models import NotificationSettings
from graded_exposure.services.notification_settings import unsubscribe_token
from graded_exposure.services.reminder_content import PUSH_TEXT, push_text
from tests.mailbox import free_port, start_mailbox


def _message(family, kind="practice", **changes) -> OutgoingMessage:
    fields = {"user_id": family.user.id, "kind": kind, "title": "Time for Sam to practise",
              "body": "Sam's step today: Walk to the school gate.",
              "link": f"/children/{family.child.id}/practices/new",
              "push_title": "Time to practise", "push_body": "A small brave step today?"}
    return OutgoingMessage(**{**fields, **changes})


def _parts(message):
    return {part.get_content_type(): part.get_content() for part in message.walk()
            if not part.is_multipart()}


def _opted_out(db, family) -> list[str]:
    db.expire_all()
    settings = db.get(NotificationSettings, family.user.id)
    return settings.email_opt_out if settings else []


def test_reminder_email_has_text_html_and_one_click_unsubscribe(app, db, family, smtp):
    send_email(db, app.config, _message(family))
    ((recipients, message),) = smtp.messages
    assert recipients == ["alex@example.com"]
    assert message["Subject"] == "A small brave step today?" and "Sam" not in message["Subject"]
    parts = _parts(message)
    assert set(parts) == {"text/plain", "text/html"}
    assert "Sam's step today" in parts["text/plain"]
    assert "Sam&#39;s step today" in parts["text/html"]  # escaped by Jinja
    link = f"http://localhost/children/{family.child.id}/practices/new"
    assert link in parts["text/plain"] and f'href="{link}"' in parts["text/html"]
    unsubscribe = message["List-Unsubscribe"].strip("<>")
    assert unsubscribe.startswith("http://localhost/unsubscribe/")
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert unsubscribe in parts["text/plain"] and unsubscribe in parts["text/html"]


@pytest.mark.parametrize("kind", PUSH_TEXT)
def test_the_subject_and_opening_line_name_neither_the_child_nor_the_step(
        app, db, family, smtp, kind):
    # A mail list shows the subject and the opening words, on a locked phone too: as in a
    # push notification, the child's name and the feared step wait until the email is open.
    push_title, push_body = push_text(kind)
    send_email(db, app.config, _message(family, kind, push_title=push_title,
                                        push_body=push_body))
    message = smtp.messages[0][1]
    parts = _parts(message)
    opening_paragraph = re.search(r"<body[^>]*>\s*<p>(.*?)</p>", parts["text/html"], re.S)[1]
    openings = [message["Subject"], parts["text/plain"].splitlines()[0], opening_paragraph]
    for opening in openings:
        assert "Sam" not in opening and "school gate" not in opening
    assert push_body in parts["text/plain"].splitlines()[0]
    assert escape(push_body) in opening_paragraph
    # The link comes straight after it; the rest is there for whoever opens the email.
    assert parts["text/plain"].splitlines()[1].startswith("Open Brave Steps: http")
    assert "Sam's step today: Walk to the school gate." in parts["text/plain"]


def test_each_kind_of_reminder_has_a_subject_of_its_own(app, db, family, smtp):
    for kind in PUSH_TEXT:
        push_title, push_body = push_text(kind)
        send_email(db, app.config, _message(family, kind, push_title=push_title,
                                            push_body=push_body))
    subjects = [message["Subject"] for _, message in smtp.messages]
    assert len(set(subjects)) == len(PUSH_TEXT)
    assert "Time for today's brave practice" in subjects
    assert "Your weekly summary is ready" in subjects


def test_html_part_escapes_the_content(app, db, family, smtp):
    send_email(db, app.config, _message(family, title="<script>x</script>", body="<b>hi</b>"))
    html = _parts(smtp.messages[0][1])["text/html"]
    assert "<script>" not in html and "&lt;b&gt;hi&lt;/b&gt;" in html


def test_unsubscribe_link_asks_on_get_and_opts_out_on_post(app, db, family, smtp):
    send_email(db, app.config, _message(family))
    path = urlsplit(smtp.messages[0][1]["List-Unsubscribe"].strip("<>")).path
    visitor = app.test_client()  # the link works without logging in

    page = visitor.get(path)
    assert page.status_code == 200 and "Stop these emails?" in page.get_data(as_text=True)
    assert _opted_out(db, family) == []  # GET changed nothing (mail scanners follow links)

    # What a mail provider sends for RFC 8058 one-click: no cookie, no CSRF token.
    done = visitor.post(path, data={"List-Unsubscribe": "One-Click"})
    assert done.status_code == 200 and "Unsubscribed" in done.get_data(as_text=True)
    assert _opted_out(db, family) == ["practice"]

    send_email(db, app.config, _message(family))
    assert len(smtp.messages) == 1  # nothing more was sent

    send_email(db, app.config, _message(family, kind="missed_nudge"))
    assert len(smtp.messages) == 2  # other kinds still arrive


def test_a_link_sent_before_links_named_the_address_still_works_for_its_account(
        app, db, family):
    from datetime import UTC, datetime

    family.user.created_at = datetime(2026, 11, 1, tzinfo=UTC)
    db.commit()
    token = URLSafeSerializer(app.config["SECRET_KEY"], salt="unsubscribe").dumps(
        {"user": family.user.id, "kind": "practice"})
    assert app.test_client().post(f"/unsubscribe/{token}").status_code == 200
    assert _opted_out(db, family) == ["practice"]


def test_unsubscribing_twice_is_harmless(app, db, family):
    path = "/unsubscribe/" + unsubscribe_token(app.config["SECRET_KEY"], family.user.id,
                                               "weekly_digest", family.user.email)
    assert app.test_client().post(path).status_code == 200
    assert app.test_client().post(path).status_code == 200
    assert _opted_out(db, family) == ["weekly_digest"]


@pytest.mark.parametrize("token", [
    "garbage",
    URLSafeSerializer("another-secret", salt="unsubscribe").dumps({"user": 1, "kind": "practice"}),
    URLSafeSerializer("test-secret", salt="reset").dumps({"user": 1, "kind": "practice"}),
    URLSafeSerializer("test-secret", salt="unsubscribe").dumps({"user": 1, "kind": "everything"}),
    URLSafeSerializer("test-secret", salt="unsubscribe").dumps({"user": 999, "kind": "practice"}),
    URLSafeSerializer("test-secret", salt="unsubscribe").dumps({"user": "1", "kind": "practice"}),
    URLSafeSerializer("test-secret", salt="unsubscribe").dumps(["not", "a", "dict"]),
    # Signed for another address (the account with this id before, whose id was given again),
    # and an id-only link of the kind sent before 3 Dec 2026, to an account made since.
    URLSafeSerializer("test-secret", salt="unsubscribe").dumps(
        {"user": 1, "kind": "practice", "to": "0123456789abcdef"}),
    URLSafeSerializer("test-secret", salt="unsubscribe").dumps({"user": 1, "kind": "practice"}),
])
def test_bad_or_forged_tokens_change_nothing(app, db, family, token):
    assert family.user.id == 1
    visitor = app.test_client()
    assert visitor.get(f"/unsubscribe/{token}").status_code == 404
    assert visitor.post(f"/unsubscribe/{token}").status_code == 404
    assert db.exec(select(NotificationSettings)).all() == []


def test_smtp_refusal_raises_channel_error(app, db, family, smtp):
    smtp.refuse = True
    with pytest.raises(ChannelError):
        send_email(db, app.config, _message(family))


def test_unreachable_smtp_server_raises_channel_error(app, db, family):
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=free_port())
    with pytest.raises(ChannelError):
        send_email(db, app.config, _message(family))


def test_without_mail_server_the_email_is_logged(app, db, family, caplog):
    app.config["MAIL_SERVER"] = ""
    with caplog.at_level("INFO"):
        send_email(db, app.config, _message(family))
    assert "A small brave step today?" in caplog.text


def test_each_email_outside_kept_open_has_a_connection_of_its_own(app, db, family, smtp):
    for _ in range(3):
        send_email(db, app.config, _message(family))
    assert (len(smtp.messages), smtp.connections) == (3, 3)


def test_inside_kept_open_many_emails_share_one_connection(app, db, family, smtp):
    with mail.kept_open(app.config):
        for n in range(25):
            send_email(db, app.config, _message(family, title=f"Message {n}"))
    assert (len(smtp.messages), smtp.connections) == (25, 1)
    assert _parts(smtp.messages[-1][1])["text/plain"].count("Message 24") == 1


def test_a_kept_connection_is_replaced_after_its_message_limit(app, db, family, smtp):
    app.config["MAIL_MESSAGES_PER_CONNECTION"] = 10
    with mail.kept_open(app.config):
        for _ in range(25):
            send_email(db, app.config, _message(family))
    assert (len(smtp.messages), smtp.connections) == (25, 3)


def test_a_kept_connection_the_server_dropped_is_reopened(app, db, family):
    handler, controller = start_mailbox()
    app.config.update(MAIL_SERVER="127.0.0.1", MAIL_PORT=controller.port,
                      MAIL_PROBE_AFTER_IDLE=0)  # probe before every reuse
    try:
        with mail.kept_open(app.config):
            send_email(db, app.config, _message(family))
            controller.stop()  # a restart closes every client connection
            controller = Controller(handler, hostname="127.0.0.1", port=controller.port)
            controller.start()
            send_email(db, app.config, _message(family))
    finally:
        controller.stop()
    assert (len(handler.messages), handler.connections) == (2, 2)


def test_after_a_refused_message_the_next_one_still_goes(app, db, family, smtp):
    with mail.kept_open(app.config):
        smtp.refuse = True
        with pytest.raises(ChannelError):
            send_email(db, app.config, _message(family))
        smtp.refuse = False
        send_email(db, app.config, _message(family))
    assert len(smtp.messages) == 1
