"""Emails sent on request are limited per recipient, sending account and IP, in the database."""
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import SentMail, utcnow
from graded_exposure.services.mail_quota import (
    MailLimitReached,
    MailLimits,
    recipient_hash,
    reserve,
)

LIMITS = MailLimits(window=timedelta(hours=1), per_recipient=3, per_account=5, per_ip=7,
                    key="k")


def _send(db, to="a@example.com", sender=None, ip="192.0.2.1"):
    reserve(db, LIMITS, kind="reset", recipient=to, sender_id=sender, ip=ip)


def test_per_recipient_limit_counts_every_spelling_of_the_address(db):
    for to in ("a@example.com", "A@Example.com", " a@example.com "):
        _send(db, to, ip=f"192.0.2.{len(to)}")
    with pytest.raises(MailLimitReached, match="try again in 1 hour"):
        _send(db, "a@example.com", ip="198.51.100.9")
    _send(db, "b@example.com")  # another address is still fine
    assert len(db.exec(select(SentMail)).all()) == 4


def test_per_account_limit(db, family):
    for n in range(5):
        _send(db, f"p{n}@example.com", sender=family.user.id, ip=f"192.0.2.{n}")
    with pytest.raises(MailLimitReached):
        _send(db, "q@example.com", sender=family.user.id, ip="198.51.100.1")


def test_per_ip_limit(db):
    for n in range(7):
        _send(db, f"p{n}@example.com")
    with pytest.raises(MailLimitReached):
        _send(db, "q@example.com")
    _send(db, "q@example.com", ip="198.51.100.1")


def test_old_sends_fall_out_of_the_window(db):
    for _ in range(3):
        _send(db)
    for row in db.exec(select(SentMail)):
        row.at = utcnow() - timedelta(hours=1, minutes=1)
    db.commit()
    _send(db)


def test_the_ledger_holds_no_address_in_clear(db):
    _send(db, "secret.person@example.com")
    row = db.exec(select(SentMail)).one()
    assert row.recipient_hash == recipient_hash("k", "secret.person@example.com")
    assert "secret" not in row.recipient_hash and len(row.recipient_hash) == 64
