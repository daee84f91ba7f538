"""The demo family shows the product well: history, mastery, and calm bought by avoidance."""
from sqlmodel import func, select

from graded_exposure.models import Child, DayCheckIn, Practice, Step, User
from graded_exposure.services import demo_data, insights


def test_seed_creates_a_family_with_two_children_and_weeks_of_practice(db):
    message = demo_data.seed(db)
    assert demo_data.DEMO_EMAIL in message
    children = db.exec(select(Child)).all()
    assert [c.display_name for c in children] == ["Mia", "Leo"]
    assert db.exec(select(func.count()).select_from(Practice)).one() >= 20
    assert db.exec(select(func.count()).select_from(DayCheckIn)).one() >= 60
    statuses = [s.status for s in db.exec(select(Step))]
    assert statuses.count("current") == 2 and statuses.count("mastered") == 4


def test_seed_twice_changes_nothing(db):
    demo_data.seed(db)
    before = db.exec(select(func.count()).select_from(Practice)).one()
    assert "already there" in demo_data.seed(db)
    assert db.exec(select(func.count()).select_from(Practice)).one() == before
    assert len(db.exec(select(User)).all()) == 1


def test_demo_shows_the_avoidance_trap(db):
    demo_data.seed(db)
    mia = db.exec(select(Child).where(Child.display_name == "Mia")).one()
    found = insights.for_child(db, mia)
    assert found.trap.bought > 0
    assert "calm" in found.trap_sentence
