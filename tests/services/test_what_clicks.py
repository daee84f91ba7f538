"""What clicks for a child: read from recent sessions, shared with the family and withdrawn."""
from datetime import UTC, date, datetime

import pytest
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import AuditEvent, Child, TherapistLink
from graded_exposure.rules.session_record import SessionDetails
from graded_exposure.services import therapy_sessions, what_clicks
from tests.factories import link, make_therapist

NOW = datetime(2026, 5, 20, 11, 0, tzinfo=UTC)


@pytest.fixture
def tara(db, family):
    therapist = make_therapist(db)
    link(db, therapist, family.child)
    return therapist


def _session(db, tara, family, day, engagement, approaches, custom="", calming=(),
             attendance="attended"):
    therapy_sessions.record_session(db, tara, family.child, SessionDetails(
        held_on=date(2026, 5, day), mode="telehealth", attendance=attendance,
        engagement=engagement, approaches=approaches, custom_approach=custom,
        calming=list(calming)), f"k{day}", now=NOW)


def _four_sessions(db, tara, family):
    _session(db, tara, family, 1, 2, {"art": "didnt", "music": "partly"})
    _session(db, tara, family, 2, 5, {"sand_play": "clicked", "custom": "clicked"},
             custom="Puppet on screen", calming=["Weighted lap pad"])
    _session(db, tara, family, 3, 4, {"sand_play": "clicked", "custom": "partly", "art": "didnt"},
             custom="Puppet on screen", calming=["Weighted lap pad", "Push the wall"])
    _session(db, tara, family, 4, 1, {"music": "didnt"})


def test_below_four_sessions_it_says_nothing_and_there_is_nothing_to_share(db, family, tara):
    _session(db, tara, family, 1, 3, {"art": "clicked"})
    _session(db, tara, family, 2, 4, {"art": "clicked"})
    _session(db, tara, family, 3, 5, {"art": "clicked"})
    found = what_clicks.for_child(db, family.child)
    assert not found.ranking.speaks and found.ranking.sessions == 3
    assert found.ranking.ranked == () and found.friendly == {}
    with pytest.raises(DomainError, match="nothing to share yet"):
        what_clicks.share_with_family(db, tara, family.child)
    db.expire_all()
    assert db.get(Child, family.child.id).what_helps == {}


def test_four_sessions_rank_the_approaches_and_name_own_approaches(db, family, tara):
    _four_sessions(db, tara, family)
    _session(db, tara, family, 5, None, {}, attendance="cancelled")
    found = what_clicks.for_child(db, family.child)
    assert found.ranking.sessions == 4
    assert [(what_clicks.approach_label(s.approach), s.mean_engagement)
            for s in found.ranking.ranked] == [
        ("Puppet on screen", 4.5), ("Sand-play", 4.5), ("Art", 3.0), ("Music", 1.5)]
    assert [d.value for d in found.chart.dots] == [2, 5, 4, 1]
    assert found.friendly == {"approaches": ["Puppet on screen", "Sand-play", "Art"],
                              "calming": ["Weighted lap pad", "Push the wall"]}


def test_sharing_shows_the_family_and_withdrawing_takes_it_away_both_audited(db, family, tara):
    _four_sessions(db, tara, family)
    what_clicks.share_with_family(db, tara, family.child, ip="203.0.113.9")
    db.expire_all()
    assert db.get(Child, family.child.id).what_helps["approaches"][0] == "Puppet on screen"
    what_clicks.withdraw_from_family(db, tara, db.get(Child, family.child.id))
    db.expire_all()
    assert db.get(Child, family.child.id).what_helps == {}
    actions = db.exec(select(AuditEvent.action).where(AuditEvent.action.like("what_helps%"))
                      .order_by(AuditEvent.id)).all()
    assert actions == ["what_helps_shared", "what_helps_withdrawn"]


def test_after_unlink_nothing_can_be_shared(db, family, tara):
    _four_sessions(db, tara, family)
    row = db.exec(select(TherapistLink)).one()
    row.status = "ended"
    db.commit()
    with pytest.raises(DomainError, match="not linked"):
        what_clicks.share_with_family(db, tara, family.child)
