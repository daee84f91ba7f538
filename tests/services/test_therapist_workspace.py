"""A therapist's page for one child: what it loads, the view audit, and who changed a ladder."""
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import AuditEvent, Ladder, Practice, TherapistLink, utcnow
from graded_exposure.services import ladders, progress, steps, therapist_workspace
from tests.factories import link, make_therapist, template_ladder
from tests.query_plans import SQLITE_PLANS, plan_of


@pytest.fixture
def tara(db, family):
    therapist = make_therapist(db)
    link(db, therapist, family.child, practice_target_days=3)
    return therapist


def _open(db, child, **kwargs):
    found = db.exec(select(TherapistLink).where(TherapistLink.child_id == child.id)).one()
    return therapist_workspace.open_for(db, child, found, **kwargs)


def _views(db) -> list[AuditEvent]:
    return list(db.exec(select(AuditEvent).where(AuditEvent.action == "therapist_viewed")))


def test_workspace_loads_ladders_adherence_and_the_log(db, family, tara):
    ladder = template_ladder(db, family.child, by=family.user)
    now = utcnow()
    for day in (0, 1, 10):
        db.add(Practice(child_id=family.child.id, step_id=ladder.steps[0].id,
                        practiced_at=now - timedelta(days=day), fear_before=4, fear_peak=5,
                        fear_after=2, outcome="did_it", idempotency_key=f"w{day}", note="Brave"))
    db.commit()
    ws = _open(db, family.child, now=now)
    assert [lp.ladder.id for lp in ws.ladders] == [ladder.id]
    assert ws.ladders[0].current.step.id == ladder.steps[0].id
    assert ws.insights.practice_days_last_7 == 2 and ws.days_last_28 == 3
    assert ws.target == 3 and ws.behind  # 2 practice days in the last 7, target 3
    assert [row.practice.note for row in ws.log.rows] == ["Brave"] * 3


def test_a_view_is_audited_at_most_once_an_hour(db, family, tara):
    now = utcnow()
    assert therapist_workspace.record_view(db, tara, family.child, "1.2.3.4", now)
    assert not therapist_workspace.record_view(db, tara, family.child, "", now + timedelta(minutes=59))
    assert therapist_workspace.record_view(db, tara, family.child, "",
                                           now + timedelta(minutes=61))
    events = _views(db)
    assert len(events) == 2
    assert events[0].family_id == family.child.family_id and events[0].actor_id == tara.id
    assert events[0].subject == f"child:{family.child.id}"


# ---- who changed a ladder ------------------------------------------------------------------

def test_a_therapists_ladder_and_changes_are_recorded_and_audited(db, family, tara):
    ladder = template_ladder(db, family.child, by=tara)
    assert ladder.created_by_id == tara.id and ladder.updated_by_id is None
    steps.add_step(db, ladder, title="Stay for lunch", predicted_fear=7, by=tara)
    progress.set_mastery_rule(db, ladder, min_practices=4, min_days=2, max_peak=3,
                              count_halving=True, by=tara)
    stored = db.get(Ladder, ladder.id)
    assert stored.updated_by_id == tara.id and stored.updated_at is not None
    actions = [(e.action, e.subject) for e in db.exec(select(AuditEvent).where(
        AuditEvent.actor_id == tara.id, AuditEvent.action.like("ladder_%")).order_by(AuditEvent.id))]
    child = f"child:{family.child.id}"
    assert actions == [("ladder_created", f"{child} · ladder {ladder.id}"),
                       ("ladder_changed", f"{child} · step added (ladder {ladder.id})"),
                       ("ladder_changed", f"{child} · mastery rule changed (ladder {ladder.id})")]
    who = ladders.authorship(db, stored)
    assert (who.made_by, who.changed_by) == ("Tara", "Tara")


def test_a_therapist_deleting_a_step_says_how_many_practices_went_with_it(db, family, tara):
    """Found from outside: the family's log said only "step deleted" when the step took the
    family's practices of it with it."""
    from tests.factories import add_practices

    ladder = template_ladder(db, family.child, by=tara)
    add_practices(db, family.child, [ladder.steps[0]], 3)
    steps.delete_step(db, ladder.steps[0], by=tara)
    [event] = db.exec(select(AuditEvent).where(AuditEvent.action == "ladder_changed")).all()
    assert event.subject == (f"child:{family.child.id} · step deleted with 3 practices "
                             f"(ladder {ladder.id})")


def test_a_caregivers_change_is_recorded_but_not_audited(db, family, tara):
    ladder = template_ladder(db, family.child, by=tara)
    steps.make_current(db, ladder.steps[1], by=family.user)
    assert db.get(Ladder, ladder.id).updated_by_id == family.user.id
    assert not db.exec(select(AuditEvent).where(AuditEvent.action == "ladder_changed")).all()
    who = ladders.authorship(db, db.get(Ladder, ladder.id))
    assert (who.made_by, who.changed_by) == ("Tara", family.user.display_name)
    # The viewer's own name comes from the viewer; the other's from the database.
    family.user.display_name = "Alex (viewing)"
    who = ladders.authorship(db, db.get(Ladder, ladder.id), viewer=family.user)
    assert (who.made_by, who.changed_by) == ("Tara", "Alex (viewing)")


@pytest.mark.parametrize("change", [
    lambda db, ladder, by: steps.update_step(db, ladder.steps[0], title="New", detail="",
                                             predicted_fear=2, social_story="", by=by),
    lambda db, ladder, by: steps.delete_step(db, ladder.steps[-1], by=by),
    lambda db, ladder, by: steps.move_step(db, ladder.steps[1], "up", by=by),
    lambda db, ladder, by: steps.add_substep(db, ladder.steps[0], "Shoes on", by=by),
    lambda db, ladder, by: steps.delete_substep(db, ladder.steps[0].substeps[0], by=by),
    lambda db, ladder, by: ladders.update_ladder(db, ladder, goal="School", area="school",
                                                 by=by),
    lambda db, ladder, by: ladders.set_calming_plan(db, ladder, ["Weighted lap pad"], by=by),
    lambda db, ladder, by: ladders.archive_ladder(db, ladder, by=by),
])
def test_every_kind_of_change_records_who(db, family, tara, change):
    ladder = template_ladder(db, family.child, by=family.user)
    change(db, ladder, tara)
    db.expire_all()
    assert db.get(Ladder, ladder.id).updated_by_id == tara.id
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "ladder_changed")).one()


@pytest.mark.sqlite_only(SQLITE_PLANS)
def test_the_hourly_view_check_reads_the_therapists_own_events_only(db, family, tara):
    # A clinic writes thousands of audit events an hour (every login is one). Through the
    # index on time alone, every therapist page read them all: 0.5 ms at 1,200 an hour.
    plan = plan_of(db.connection(), therapist_workspace._RECENT_VIEW,
                 {"actor_id": tara.id, "subject": "child:1", "since": utcnow()})
    assert "ix_auditevent_actor_time" in plan, plan
