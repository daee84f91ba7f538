"""One open plan per child, held by the database: two caregivers writing a plan at the same
moment both pass the service's look-up, and only a unique index keeps the second one out."""
from datetime import date

import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from graded_exposure.errors import DomainError
from graded_exposure.models import AccommodationPlan
from graded_exposure.services import accommodation_plans
from graded_exposure.services.accommodation_plans import PlanInput, create_plan
from graded_exposure.vocabulary import OPEN_PLAN_STATUSES

TODAY = date(2026, 12, 3)


def _plan(child_id: int, status: str) -> AccommodationPlan:
    return AccommodationPlan(child_id=child_id, status=status, target="Speaking for Sam",
                             instead="We let Sam answer", starts_on=TODAY,
                             acceptance="I know it is hard", confidence="I know you can do it",
                             if_upset="We stay close")


def _input(target: str = "Speaking for Sam") -> PlanInput:
    return PlanInput(target=target, instead="We let Sam answer", starts_on=TODAY,
                     acceptance="I know it is hard", confidence="I know you can do it",
                     if_upset="We stay close")


def _open_plans(db, child_id: int) -> list[AccommodationPlan]:
    db.expire_all()
    return list(db.exec(select(AccommodationPlan).where(
        AccommodationPlan.child_id == child_id,
        AccommodationPlan.status.in_(OPEN_PLAN_STATUSES))))


@pytest.mark.parametrize(("first", "second"), [("draft", "draft"), ("draft", "active"),
                                               ("active", "draft"), ("active", "active")])
def test_the_database_refuses_a_second_open_plan(db, family, first, second):
    db.add(_plan(family.child.id, first))
    db.commit()
    db.add(_plan(family.child.id, second))
    with pytest.raises(IntegrityError):
        db.commit()
    db.rollback()
    assert len(_open_plans(db, family.child.id)) == 1


def test_finished_plans_and_other_childrens_plans_are_not_limited(db, family, other_family):
    db.add_all([_plan(family.child.id, "finished"), _plan(family.child.id, "finished"),
                _plan(family.child.id, "active"), _plan(other_family.child.id, "draft")])
    db.commit()
    assert len(_open_plans(db, family.child.id)) == 1


def _written_meanwhile(db, family, monkeypatch) -> None:
    """The other caregiver's plan is stored after this one's look-up found none."""
    db.add(_plan(family.child.id, "draft"))
    db.commit()
    looked_up = []

    def nothing_yet(session, child, **kwargs):
        looked_up.append(child.id)
        return None if len(looked_up) == 1 else real(session, child, **kwargs)
    real = accommodation_plans.open_plan
    monkeypatch.setattr(accommodation_plans, "open_plan", nothing_yet)


def test_a_different_plan_written_at_the_same_moment_is_refused_kindly(db, family, monkeypatch):
    _written_meanwhile(db, family, monkeypatch)
    with pytest.raises(DomainError, match="One target at a time"):
        create_plan(db, family.child, family.user, _input("Ordering food for Sam"), TODAY)
    plans = _open_plans(db, family.child.id)
    assert [p.target for p in plans] == ["Speaking for Sam"]


def test_the_same_plan_sent_twice_at_once_is_stored_once(db, family, monkeypatch):
    _written_meanwhile(db, family, monkeypatch)
    plan = create_plan(db, family.child, family.user, _input(), TODAY)
    db.commit()
    assert [p.id for p in _open_plans(db, family.child.id)] == [plan.id]


def test_the_migration_keeps_the_newest_open_plan_where_two_were_open(new_database):
    """Where the race already left two open plans, the migration finishes the older one (kept
    as history), so the index can be built; other children's plans are left as they were."""
    from sqlalchemy import create_engine, text
    from sqlmodel import Session

    from graded_exposure import schema
    from graded_exposure.models import Child, Family

    url = new_database("before_index")
    schema.upgrade(url, "e5b7d9f1a3c6")  # the revision before the index: its columns are today's
    engine = create_engine(url)
    try:
        with Session(engine) as session:
            family = Family()
            session.add(family)
            session.flush()
            sam, kim = Child(family_id=family.id, display_name="Sam"), Child(
                family_id=family.id, display_name="Kim")
            session.add_all([sam, kim])
            session.flush()
            for child, status in ((sam, "active"), (sam, "draft"), (sam, "finished"),
                                  (kim, "draft")):
                session.add(_plan(child.id, status))
                session.flush()
            session.commit()
        schema.upgrade(url)
        with engine.connect() as connection:
            rows = connection.execute(text(
                "SELECT status, finished_at IS NOT NULL FROM accommodationplan ORDER BY id")).all()
        assert [tuple(row) for row in rows] == [("finished", True), ("draft", False),
                                                ("finished", False), ("draft", False)]
    finally:
        engine.dispose()
