"""The in-app inbox: newest first, pages, mark read, and the unread badge in the navigation."""
import re
from datetime import timedelta

import pytest
from sqlalchemy import event
from sqlmodel import select

from graded_exposure.models import InboxMessage, utcnow
from graded_exposure.services import inbox
from tests.query_plans import SQLITE_PLANS, plan_of


def _messages(db, user, count=1, **fields) -> list[InboxMessage]:
    now = utcnow()
    rows = [InboxMessage(**{"user_id": user.id, "title": f"Reminder {n}", "body": f"Body {n}",
                            "link": "/inbox", "created_at": now - timedelta(minutes=count - n),
                            **fields})
            for n in range(1, count + 1)]
    db.add_all(rows)
    db.commit()
    return rows


def _badge(body: str) -> str:
    link = re.search(r'<a id="inbox-link"[^>]*>(.*?)</a>', body, re.S)
    assert link, "no inbox link in the navigation"
    return re.sub(r"<[^>]+>", "", link.group(1))


def test_messages_are_listed_newest_first(family, db):
    _messages(db, family.user, 3)
    body = family.client.get("/inbox").get_data(as_text=True)
    assert body.index("Reminder 3") < body.index("Reminder 2") < body.index("Reminder 1")


def test_message_text_is_escaped(family, db):
    _messages(db, family.user, title="<script>alert(1)</script>", body="<b>hi</b>",
              link="javascript:alert(1)")
    body = family.client.get("/inbox").get_data(as_text=True)
    assert "<script>alert(1)" not in body and "&lt;script&gt;" in body
    assert "javascript:alert" not in body


def test_inbox_is_paginated(family, db):
    _messages(db, family.user, 25)
    first = family.client.get("/inbox").get_data(as_text=True)
    assert "Reminder 25" in first and "Reminder 6<" in first and "Reminder 5<" not in first
    assert 'href="/inbox?page=2"' in first
    second = family.client.get("/inbox?page=2").get_data(as_text=True)
    assert "Reminder 5<" in second and "Reminder 6<" not in second
    assert 'href="/inbox?page=1"' in second and "page=3" not in second


@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999999999999999999", "500", "²", "%C2%B2"])
def test_odd_page_numbers_never_fail(family, db, page):
    _messages(db, family.user, 2)
    assert family.client.get(f"/inbox?page={page}").status_code == 200


def test_only_the_users_own_messages_are_shown(family, other_family, db):
    _messages(db, other_family.user, title="Not yours")
    body = family.client.get("/inbox").get_data(as_text=True)
    assert "Not yours" not in body and "No messages yet" in body


def test_the_nav_badge_counts_unread_messages(family, db):
    assert _badge(family.client.get("/family").get_data(as_text=True)) == "🔔 Inbox"
    _messages(db, family.user, 3)
    _messages(db, family.user, 1, read_at=utcnow())
    assert _badge(family.client.get("/family").get_data(as_text=True)) == "🔔 Inbox 3 unread"


def test_the_badge_stops_counting_where_it_stops_showing(family, db):
    # A year of daily reminders nobody opens in the app: every page counted them all.
    _messages(db, family.user, inbox.UNREAD_SHOWN + 30)
    assert inbox.unread_count(db, family.user.id) == inbox.UNREAD_SHOWN + 1
    badge = _badge(family.client.get("/family").get_data(as_text=True))
    assert badge == f"🔔 Inbox {inbox.UNREAD_SHOWN}+ unread"


def test_visitors_have_no_badge(client):
    assert 'id="inbox-link"' not in client.get("/login").get_data(as_text=True)
    assert client.get("/inbox").status_code == 302


def test_the_badge_costs_one_count_query_per_page_and_none_per_fragment(app, family, db):
    _messages(db, family.user)
    counts = []

    def count_queries(_conn, _cursor, statement, *_args):
        if "count(" in statement.lower() and "inbox" in statement.lower():
            counts.append(statement)

    event.listen(app.extensions["db_engine"], "before_cursor_execute", count_queries)
    try:
        family.client.get("/inbox")
        assert len(counts) == 1
        counts.clear()
        family.client.get(f"/children/{family.child.id}", headers={"HX-Request": "true",
                                                                   "HX-Boosted": "true"})
        assert len(counts) == 1
        token = family.csrf()
        counts.clear()
        response = family.client.post(f"/reminders/defaults/{family.child.id}",
                                      data={"csrf_token": token}, headers={"HX-Request": "true"})
        assert "<html" not in response.get_data(as_text=True) and counts == []
    finally:
        event.remove(app.extensions["db_engine"], "before_cursor_execute", count_queries)


def test_mark_read(family, db):
    (message,) = _messages(db, family.user)
    response = family.post(f"/inbox/{message.id}/read")
    assert response.status_code == 303
    db.expire_all()
    assert db.get(InboxMessage, message.id).read_at is not None


def test_mark_read_with_htmx_returns_the_message_and_the_new_badge(family, db):
    first, _second = _messages(db, family.user, 2)
    response = family.post(f"/inbox/{first.id}/read", headers={"HX-Request": "true"})
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "<html" not in body
    assert f'id="message-{first.id}"' in body and "Mark read" not in body.split("inbox-link")[0]
    assert 'hx-swap-oob="true"' in body and _badge(body) == "🔔 Inbox 1 unread"


def test_mark_all_read(family, other_family, db):
    _messages(db, family.user, 3)
    _messages(db, other_family.user, 2)
    assert family.post("/inbox/read-all").status_code == 303
    db.expire_all()
    unread = db.exec(select(InboxMessage).where(InboxMessage.read_at.is_(None))).all()
    assert [m.user_id for m in unread] == [other_family.user.id] * 2


def test_another_users_message_is_404(family, other_family, db):
    (message,) = _messages(db, family.user)
    assert other_family.post(f"/inbox/{message.id}/read").status_code == 404
    db.expire_all()
    assert db.get(InboxMessage, message.id).read_at is None


def test_marking_read_needs_post_and_a_csrf_token(family, db):
    (message,) = _messages(db, family.user)
    assert family.client.get(f"/inbox/{message.id}/read").status_code == 405
    assert family.client.post(f"/inbox/{message.id}/read").status_code == 400
    assert family.client.post("/inbox/read-all").status_code == 400
    db.expire_all()
    assert db.get(InboxMessage, message.id).read_at is None


def test_therapists_have_an_inbox_too(therapist_client):
    assert therapist_client.get("/inbox").status_code == 200


@pytest.mark.sqlite_only(SQLITE_PLANS)
def test_a_page_of_the_inbox_comes_in_order_from_the_index(db, family):
    # Through the index on the user alone, every page sorted all of a year's messages.
    plan = plan_of(db.connection(), inbox.PAGE.limit(21), {"user_id": family.user.id})
    assert "ix_inboxmessage_user_time" in plan and "TEMP B-TREE" not in plan, plan
