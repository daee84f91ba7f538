"""Therapy session records: stored once, checked, edited, audited, moving the last session."""
from datetime import UTC, date, datetime

import pytest
from sqlmodel import func, select

from graded_exposure.errors import DomainError
from graded_exposure.models import AuditEvent, TherapistLink, TherapySession
from graded_exposure.rules.session_record import SessionDetails
from graded_exposure.services import therapy_sessions
from tests.factories import link, make_therapist

NOW = datetime(2026, 5, 6, 11, 0, tzinfo=UTC)  # Wednesday 6 May, noon in London
TODAY = date(2026, 5, 6)


@pytest.fixture
def tara(db, family):
    therapist = make_therapist(db)
    link(db, therapist, family.child)
    return therapist


def _details(**fields) -> SessionDetails:
    values = {"held_on": TODAY, "mode": "telehealth", "attendance": "attended",
              "presentations": ["refused_to_talk", "engaged"], "engagement": 4,
              "calming": ["Weighted lap pad"], "approaches": {"art": "clicked", "music": "didnt"},
              "wins": ["shared_laugh"], "note": "Drew a dog on screen; talked about it."}
    return SessionDetails(**{**values, **fields})


def _record(db, tara, family, key="k1", **fields):
    return therapy_sessions.record_session(db, tara, family.child, _details(**fields), key,
                                           now=NOW, ip="203.0.113.9")


def _count(db) -> int:
    return db.exec(select(func.count()).select_from(TherapySession)).one()


def _link(db, tara) -> TherapistLink:
    db.expire_all()
    return db.exec(select(TherapistLink).where(TherapistLink.therapist_id == tara.id)).one()


def test_a_record_keeps_everything_the_therapist_tapped(db, family, tara):
    record = _record(db, tara, family)
    db.expire_all()
    stored = db.get(TherapySession, record.id)
    assert (stored.held_on, stored.mode, stored.attendance) == (TODAY, "telehealth", "attended")
    assert stored.presentations == ["refused_to_talk", "engaged"] and stored.engagement == 4
    assert stored.approaches == {"art": "clicked", "music": "didnt"}
    assert stored.calming == ["Weighted lap pad"] and stored.wins == ["shared_laugh"]
    assert stored.therapist_id == tara.id and stored.child_id == family.child.id


def test_only_date_mode_and_attendance_are_needed(db, family, tara):
    record = _record(db, tara, family, presentations=[], engagement=None, calming=[],
                     approaches={}, wins=[], note="")
    assert record.id is not None and record.engagement is None


def test_the_same_form_sent_twice_stores_one_record(db, family, tara):
    first = _record(db, tara, family, key="same")
    second = _record(db, tara, family, key="same", note="A retry")
    assert first.id == second.id and _count(db) == 1


def test_a_key_of_another_childs_record_is_refused(db, family, other_family, tara):
    link(db, tara, other_family.child)
    _record(db, tara, family, key="theirs")
    with pytest.raises(DomainError, match="lost its key"):
        therapy_sessions.record_session(db, tara, other_family.child, _details(), "theirs",
                                        now=NOW)


@pytest.mark.parametrize("fields, message", [
    ({"held_on": None}, "Enter the date"),
    ({"held_on": date(2026, 5, 8)}, "can't be in the future"),
    ({"held_on": date(2024, 5, 1)}, "more than two years ago"),
    ({"mode": "phone"}, "in person or telehealth"),
    ({"attendance": "maybe"}, "whether the session happened"),
    ({"presentations": ["sulking"]}, "what the child showed"),
    ({"engagement": 0}, "from 1 to 5"),
    ({"engagement": 6}, "from 1 to 5"),
    ({"calming": ["x" * 81]}, "calming strategies"),
    ({"approaches": {"juggling": "clicked"}}, "clicked, partly or didn't"),
    ({"approaches": {"art": "loved"}}, "clicked, partly or didn't"),
    ({"approaches": {"custom": "clicked"}}, "Name your own approach"),
    ({"custom_approach": "Lego"}, "Name your own approach"),
    ({"custom_approach": "L" * 61, "approaches": {"custom": "partly"}}, "at most 60"),
    ({"wins": ["hug"]}, "small wins"),
    ({"note": "n" * 2001}, "at most 2000"),
    ({"attendance": "cancelled"}, "cancelled session has nothing to record"),
])
def test_bad_records_are_refused_in_plain_words_and_nothing_is_stored(db, family, tara, fields,
                                                                      message):
    with pytest.raises(DomainError, match=message):
        _record(db, tara, family, **fields)
    assert _count(db) == 0


def test_a_cancelled_session_is_recorded_without_observations(db, family, tara):
    record = _record(db, tara, family, attendance="cancelled", presentations=[],
                     engagement=None, calming=[], approaches={}, wins=[])
    assert record.attendance == "cancelled"
    assert _link(db, tara).last_session_on is None  # a session that did not happen


def test_a_custom_approach_is_named_and_marked(db, family, tara):
    record = _record(db, tara, family, custom_approach="Lego on the table",
                     approaches={"custom": "partly"})
    assert record.approaches == {"custom": "partly"}
    assert record.custom_approach == "Lego on the table"


def test_recording_a_newer_session_moves_the_last_session_forward_never_back(db, family, tara):
    _record(db, tara, family, key="a", held_on=date(2026, 5, 1))
    assert _link(db, tara).last_session_on == date(2026, 5, 1)
    _record(db, tara, family, key="b", held_on=date(2026, 4, 20))
    assert _link(db, tara).last_session_on == date(2026, 5, 1)
    _record(db, tara, family, key="c", held_on=date(2026, 5, 5), attendance="declined")
    assert _link(db, tara).last_session_on == date(2026, 5, 5)


def test_recording_and_editing_are_audited_without_the_note(db, family, tara):
    record = _record(db, tara, family)
    therapy_sessions.edit_session(db, tara, family.child, record,
                                  _details(note="Secret words", engagement=2), now=NOW)
    events = db.exec(select(AuditEvent).where(AuditEvent.actor_id == tara.id,
                                              AuditEvent.action.like("session_%"))
                     .order_by(AuditEvent.id)).all()
    assert [e.action for e in events] == ["session_recorded", "session_edited"]
    assert all(e.family_id == family.child.family_id for e in events)
    assert not any("Secret" in e.subject or "Drew" in e.subject for e in events)


def test_editing_changes_the_record_and_may_move_the_last_session(db, family, tara):
    record = _record(db, tara, family, held_on=date(2026, 5, 1))
    therapy_sessions.edit_session(db, tara, family.child, record,
                                  _details(held_on=date(2026, 5, 4), engagement=5,
                                           approaches={"sand_play": "clicked"}), now=NOW)
    db.expire_all()
    stored = db.get(TherapySession, record.id)
    assert stored.engagement == 5 and stored.approaches == {"sand_play": "clicked"}
    assert _link(db, tara).last_session_on == date(2026, 5, 4)


def test_a_refused_edit_changes_nothing(db, family, tara):
    record = _record(db, tara, family)
    with pytest.raises(DomainError):
        therapy_sessions.edit_session(db, tara, family.child, record,
                                      _details(engagement=9, note="changed"), now=NOW)
    db.expire_all()
    stored = db.get(TherapySession, record.id)
    assert stored.engagement == 4 and stored.note.startswith("Drew")


def test_after_unlink_a_therapist_can_neither_record_nor_edit(db, family, tara):
    record = _record(db, tara, family)
    found = _link(db, tara)
    found.status = "ended"
    db.commit()
    with pytest.raises(DomainError, match="not linked"):
        _record(db, tara, family, key="later")
    with pytest.raises(DomainError, match="not linked"):
        therapy_sessions.edit_session(db, tara, family.child, record, _details(), now=NOW)
    assert _count(db) == 1


def test_recent_sessions_are_the_therapists_own_newest_first(db, family, tara):
    other = make_therapist(db, email="omar@example.com", name="Omar")
    link(db, other, family.child)
    for n, day in enumerate([3, 5, 1]):
        _record(db, tara, family, key=f"t{n}", held_on=date(2026, 5, day))
    therapy_sessions.record_session(db, other, family.child, _details(), "omar", now=NOW)
    found = therapy_sessions.recent_sessions(db, tara, family.child)
    assert [r.held_on.day for r in found] == [5, 3, 1]


def test_a_therapist_a_day_ahead_of_the_family_records_their_own_today(db, family, tara):
    # Found from outside (time audit): a therapist in Sydney on Tuesday 10 March recorded the
    # telehealth session held that day for a family in Los Angeles, still on Monday 9 March,
    # and was told "The session can't be in the future".
    family.user.family.timezone = "America/Los_Angeles"
    db.commit()
    monday_evening_in_la = datetime(2026, 3, 10, 0, 30, tzinfo=UTC)  # 11:30 Tuesday in Sydney
    record = therapy_sessions.record_session(db, tara, family.child,
                                             _details(held_on=date(2026, 3, 10)), "sydney",
                                             now=monday_evening_in_la)
    assert record.held_on == date(2026, 3, 10)
    with pytest.raises(DomainError, match="can't be in the future"):
        therapy_sessions.record_session(db, tara, family.child, _details(held_on=date(2026, 3, 11)),
                                        "too-soon", now=monday_evening_in_la)
