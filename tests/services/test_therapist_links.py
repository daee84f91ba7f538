"""Therapist links: codes and email invitations, consent records, single use, expiry, ending."""
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError, TokenInvalid
from graded_exposure.models import AuditEvent, TherapistLink, utcnow
from graded_exposure.services import accounts, families, therapist_links, tokens
from tests.conftest import PASSWORD

WEEK = timedelta(days=7)


def _user(db, email, role="caregiver"):
    return accounts.register(db, email=email, password=PASSWORD, display_name=email.split("@")[0],
                             role=role)


@pytest.fixture
def parent(db):
    return _user(db, "alex@example.com")


@pytest.fixture
def child(db, parent):
    return families.add_child(db, parent, display_name="Sam")


@pytest.fixture
def tara(db):
    return _user(db, "tara@example.com", "therapist")


def _links(db):
    db.expire_all()
    return db.exec(select(TherapistLink).order_by(TherapistLink.id)).all()


def test_a_code_is_shown_once_and_stored_only_as_a_hash(db, tara):
    code = therapist_links.create_code(db, tara)
    link = _links(db)[0]
    assert len(code) == 9 and code[4] == "-"
    assert code not in link.code_hash and code.replace("-", "") not in link.code_hash
    assert link.code_hash == tokens.hash_token(code.replace("-", ""))
    assert link.status == "pending" and link.child_id is None and link.therapist_id == tara.id
    assert timedelta(days=6, hours=23) < link.expires_at - utcnow() <= WEEK


def test_only_therapists_create_codes(db, parent):
    with pytest.raises(DomainError):
        therapist_links.create_code(db, parent)
    assert _links(db) == []


def test_accepting_a_code_records_who_when_and_what(db, tara, parent, child):
    code = therapist_links.create_code(db, tara)
    before = utcnow()
    therapist_links.accept_code(db, parent, child, code.lower())
    link = _links(db)[0]
    assert link.status == "active" and link.child_id == child.id
    assert link.consented_by_id == parent.id and before <= link.consented_at <= utcnow()
    assert link.shared_scope == therapist_links.scope_text("Sam")
    assert "Sam's ladders" in link.shared_scope and "Not shared" in link.shared_scope
    assert link.code_hash == ""  # a used code leaves nothing to guess at
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "consent_given")).one()
    assert event.actor_id == parent.id and event.family_id == parent.family_id


def test_a_code_works_once(db, tara, parent, child):
    code = therapist_links.create_code(db, tara)
    therapist_links.accept_code(db, parent, child, code)
    other = _user(db, "eve@example.com")
    other_child = families.add_child(db, other, display_name="Other")
    with pytest.raises(TokenInvalid):
        therapist_links.accept_code(db, other, other_child, code)
    assert [link.child_id for link in _links(db)] == [child.id]


def test_an_expired_code_is_refused(db, tara, parent, child):
    code = therapist_links.create_code(db, tara)
    link = _links(db)[0]
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    with pytest.raises(TokenInvalid):
        therapist_links.accept_code(db, parent, child, code)
    assert _links(db)[0].status == "pending"


def test_a_cancelled_code_is_refused(db, tara, parent, child):
    code = therapist_links.create_code(db, tara)
    therapist_links.end_link(db, _links(db)[0], tara)
    with pytest.raises(TokenInvalid):
        therapist_links.accept_code(db, parent, child, code)


def test_wrong_codes_are_counted_and_throttled(db, tara, parent, child):
    code = therapist_links.create_code(db, tara)
    for _ in range(therapist_links.MAX_WRONG_CODES):
        with pytest.raises(TokenInvalid):
            therapist_links.accept_code(db, parent, child, "ZZZZ-ZZZZ")
    with pytest.raises(DomainError, match="Too many"):
        therapist_links.accept_code(db, parent, child, code)
    assert _links(db)[0].status == "pending"


def test_a_caregiver_cannot_share_another_familys_child(db, tara, child):
    code = therapist_links.create_code(db, tara)
    eve = _user(db, "eve@example.com")
    with pytest.raises(DomainError):
        therapist_links.accept_code(db, eve, child, code)
    assert _links(db)[0].status == "pending"


def test_a_therapist_cannot_accept_a_code_as_caregiver(db, tara, child):
    code = therapist_links.create_code(db, tara)
    with pytest.raises(DomainError):
        therapist_links.accept_code(db, tara, child, code)
    assert _links(db)[0].status == "pending"


def test_one_child_can_have_two_therapists(db, tara, parent, child):
    theo = _user(db, "theo@example.com", "therapist")
    therapist_links.accept_code(db, parent, child, therapist_links.create_code(db, tara))
    therapist_links.accept_code(db, parent, child, therapist_links.create_code(db, theo))
    active = [link for link in _links(db) if link.status == "active"]
    assert {link.therapist_id for link in active} == {tara.id, theo.id}
    sharing = therapist_links.family_sharing(db, parent.family_id)
    assert {row.therapist.display_name for row in sharing[0].active} == {"tara", "theo"}


def test_a_second_code_from_an_already_linked_therapist_is_refused(db, tara, parent, child):
    therapist_links.accept_code(db, parent, child, therapist_links.create_code(db, tara))
    second = therapist_links.create_code(db, tara)
    with pytest.raises(DomainError, match="already has access"):
        therapist_links.accept_code(db, parent, child, second)


def test_an_email_invitation_records_consent_at_once_and_is_accepted_once(db, tara, parent,
                                                                         child):
    token = therapist_links.invite_by_email(db, parent, child, " Tara@Example.com ", WEEK)
    link = _links(db)[0]
    assert link.status == "pending" and link.invited_email == "tara@example.com"
    assert link.consented_by_id == parent.id and link.consented_at is not None
    assert len(token) >= 43 and link.code_hash == tokens.hash_token(token)
    therapist_links.accept_invite(db, tara, token)
    link = _links(db)[0]
    assert link.status == "active" and link.therapist_id == tara.id and link.code_hash == ""
    theo = _user(db, "theo@example.com", "therapist")
    with pytest.raises(TokenInvalid):
        therapist_links.accept_invite(db, theo, token)


def test_an_expired_invitation_is_refused(db, tara, parent, child):
    token = therapist_links.invite_by_email(db, parent, child, "tara@example.com", WEEK)
    link = _links(db)[0]
    link.expires_at = utcnow() - timedelta(seconds=1)
    db.commit()
    with pytest.raises(TokenInvalid):
        therapist_links.accept_invite(db, tara, token)
    assert _links(db)[0].therapist_id is None


def test_a_caregiver_cannot_accept_an_invitation_meant_for_a_therapist(db, parent, child):
    token = therapist_links.invite_by_email(db, parent, child, "tara@example.com", WEEK)
    with pytest.raises(DomainError):
        therapist_links.accept_invite(db, parent, token)
    assert _links(db)[0].status == "pending"


def test_an_invitation_token_is_not_a_code(db, tara, parent, child):
    token = therapist_links.invite_by_email(db, parent, child, "tara@example.com", WEEK)
    with pytest.raises(TokenInvalid):
        therapist_links.accept_code(db, parent, child, token)
    with pytest.raises(TokenInvalid):
        therapist_links.live_invite(db, therapist_links.create_code(db, tara))


def test_registering_through_an_invitation_makes_a_linked_therapist(db, parent, child):
    token = therapist_links.invite_by_email(db, parent, child, "new@example.com", WEEK)
    user = therapist_links.register_and_accept(db, token, email="new@example.com",
                                               password=PASSWORD, display_name="Nia")
    assert user.role == "therapist" and _links(db)[0].therapist_id == user.id


@pytest.mark.parametrize("who", ["parent", "tara"])
def test_either_side_ends_a_link(db, tara, parent, child, who):
    therapist_links.accept_code(db, parent, child, therapist_links.create_code(db, tara))
    actor = parent if who == "parent" else tara
    therapist_links.end_link(db, _links(db)[0], actor)
    link = _links(db)[0]
    assert link.status == "ended" and link.ended_by_id == actor.id and link.ended_at
    assert link.consented_by_id == parent.id  # the consent record stays
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "consent_ended",
                                            AuditEvent.family_id == parent.family_id)).one()
    with pytest.raises(DomainError):
        therapist_links.end_link(db, link, actor)


def test_the_therapist_sees_codes_and_linked_children(db, tara, parent, child):
    therapist_links.accept_code(db, parent, child, therapist_links.create_code(db, tara))
    therapist_links.create_code(db, tara)
    mine = therapist_links.therapist_sharing(db, tara)
    assert [row.child.display_name for row in mine.active] == ["Sam"]
    assert len(mine.codes) == 1


def test_scope_fits_the_column_for_the_longest_name():
    assert len(therapist_links.scope_text("N" * 40)) <= 500


def test_two_codes_accepted_at_once_make_one_link(app, db, parent, child, tara, monkeypatch):
    """Found on PostgreSQL from outside: two of one therapist's codes accepted for one child at
    once both became active links, and ending one left access through the other. Each request
    had looked for an active link before the other's went live; the database's unique partial
    index now refuses the second, in words, with nothing stored."""
    from sqlmodel import Session

    from graded_exposure.models import Child, User

    first, second = (therapist_links.create_code(db, tara) for _ in range(2))
    with Session(app.extensions["db_engine"], expire_on_commit=False) as faster:
        therapist_links.accept_code(faster, faster.get(User, parent.id),
                                    faster.get(Child, child.id), first)
    # The slower request found no active link before the faster one committed.
    monkeypatch.setattr(therapist_links, "_refuse_if_already_linked", lambda *_args: None)
    with pytest.raises(DomainError, match="This therapist already has access to Sam"):
        therapist_links.accept_code(db, parent, child, second)
    links = _links(db)
    assert sorted((link.status, link.child_id) for link in links) == [
        ("active", child.id), ("pending", None)]


def test_the_database_refuses_a_second_active_link(db, parent, child, tara):
    """The rule itself, below every path that makes links: one active link per therapist and
    child (ended ones stay as consent records, any number of them)."""
    from sqlalchemy.exc import IntegrityError

    now = utcnow()
    for status in ("ended", "ended", "active"):
        db.add(TherapistLink(therapist_id=tara.id, child_id=child.id, status=status,
                             consented_by_id=parent.id, consented_at=now))
    db.commit()
    db.add(TherapistLink(therapist_id=tara.id, child_id=child.id, status="active",
                         consented_by_id=parent.id, consented_at=now))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    assert [link.status for link in _links(db)] == ["ended", "ended", "active"]


def test_an_invitation_accepted_twice_at_once_refuses_in_the_invitations_words(
        app, db, tara, parent, child, monkeypatch):
    """The loser of the race was told about a mistyped code, on an emailed invitation."""
    from sqlmodel import Session

    from graded_exposure.models import User

    tara.email_confirmed_at = utcnow()
    db.commit()
    token = therapist_links.invite_by_email(db, parent, child, "tara@example.com", WEEK)
    stale = therapist_links.live_invite(db, token)  # the slower tap has read it, pending
    db.commit()
    with Session(app.extensions["db_engine"], expire_on_commit=False) as faster:
        therapist_links.accept_invite(faster, faster.get(User, tara.id), token)
    monkeypatch.setattr(therapist_links, "live_invite", lambda _session, _token: stale)
    monkeypatch.setattr(therapist_links, "_refuse_if_already_linked", lambda *_args: None)
    with pytest.raises(TokenInvalid, match="This invitation link is invalid"):
        therapist_links.accept_invite(db, tara, token)


def test_upgrading_settles_twin_links_made_before_the_index(migrated_database):
    """Twins made before one-active-link was the database's rule: the earliest stays, the
    later ones end, and the index is built over what is left (on SQLite and PostgreSQL)."""
    from alembic import command
    from sqlmodel import Session

    from graded_exposure import schema
    from graded_exposure.db import make_engine

    engine = make_engine(migrated_database)
    with Session(engine, expire_on_commit=False) as db:
        parent, tara = _user(db, "alex@example.com"), _user(db, "tara@example.com", "therapist")
        child = families.add_child(db, parent, display_name="Sam")
    command.downgrade(schema.alembic_config(migrated_database), "c3e5a7b9d1f2")
    with Session(engine) as db:
        for status in ("active", "ended", "active", "active"):
            db.add(TherapistLink(therapist_id=tara.id, child_id=child.id, status=status))
        db.commit()
    schema.upgrade(migrated_database)
    with Session(engine) as db:
        links = db.exec(select(TherapistLink).order_by(TherapistLink.id)).all()
        assert [(link.status, link.ended_at is not None) for link in links] == [
            ("active", False), ("ended", False), ("ended", True), ("ended", True)]
    engine.dispose()
