"""Stars and small wins on the insights: counted in SQL, one statement, as the rules count them."""
from itertools import count, product

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sqlalchemy import select

from graded_exposure.models import Practice, Step
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


FEAR = st.integers(0, 10)
_keys = count()


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(tries=st.lists(st.tuples(st.sampled_from(sorted(OUTCOMES)), FEAR, FEAR, FEAR),
                      min_size=1, max_size=6))
def test_stars_in_sql_follow_the_rule_for_any_before_peak_and_after(db, family, tries):
    for earlier in db.scalars(select(Practice)).all():  # through the ORM, as the app deletes
        db.delete(earlier)
    step = db.scalars(select(Step)).first() or make_ladder(db, family.child, steps=1).steps[0]
    for outcome, before, peak, after in tries:
        db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=before,
                        fear_peak=peak, fear_after=after, outcome=outcome,
                        idempotency_key=f"p{next(_keys)}"))
    db.commit()
    rows = db.exec(select(Practice, insights.STARS).where(
        Practice.child_id == family.child.id)).all()
    for practice, stars in rows:
        assert stars == streaks.stars_for(practice_fact(practice, "UTC"))
        if practice.outcome == "did_not_try":
            assert stars == 0
    assert insights.for_child(db, family.child).stars == sum(s for _, s in rows)


def test_a_calm_start_that_peaked_high_earns_the_stars_of_the_peak_in_sql(db, family):
    step = make_ladder(db, family.child, steps=1).steps[0]
    db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=2, fear_peak=9,
                    fear_after=3, outcome="did_it", idempotency_key="peak"))
    db.commit()
    assert insights.for_child(db, family.child).stars == 3
