"""Stars and small wins on the insights: counted in SQL, one statement, as the rules count them."""
from itertools import product

from sqlalchemy import select

from graded_exposure.models import Practice
from graded_exposure.rules import streaks
from graded_exposure.rules.practice_rules import OUTCOMES
from graded_exposure.services import insights
from graded_exposure.services.insights import practice_fact
from tests.factories import make_ladder

WINS = [[], ["laughed"], ["laughed", "eye_contact"], ["tried_new"]]


def test_stars_in_sql_equal_the_rule_for_every_outcome_and_fear(db, family):
    step = make_ladder(db, family.child, steps=1).steps[0]
    for n, (outcome, fear) in enumerate(product(sorted(OUTCOMES), range(11))):
        db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=fear,
                        fear_peak=fear, fear_after=0, outcome=outcome,
                        small_wins=WINS[n % len(WINS)], idempotency_key=f"s{n}"))
    db.commit()
    rows = db.exec(select(Practice, insights.STARS).where(
        Practice.child_id == family.child.id)).all()
    assert len(rows) == 44
    for practice, stars in rows:
        assert stars == streaks.stars_for(practice_fact(practice, "UTC")), (
            practice.outcome, practice.fear_before)

    found = insights.for_child(db, family.child)

    assert found.stars == sum(streaks.stars_for(practice_fact(p, "UTC")) for p, _ in rows)
    assert found.small_wins == {"laughed": 22, "eye_contact": 11, "tried_new": 11}


def test_a_child_without_practices_has_no_stars_or_wins(db, family):
    found = insights.for_child(db, family.child)
    assert found.stars == 0 and found.small_wins == {}
