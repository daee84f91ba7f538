"""Expectancy on the therapist's pages: the SQL surprise equals the rule, and the ladder trends
and the session summary give each step's first and latest likelihood and its surprises."""
from datetime import timedelta
from itertools import product

from sqlmodel import select

from graded_exposure.models import ExpectancyRerating, Practice, utcnow
from graded_exposure.rules import expectancy as rules
from graded_exposure.services import ladder_trends, session_summary
from graded_exposure.services.expectancy import SURPRISE
from tests.factories import current_step, link, make_ladder, make_therapist


def _practice(db, child, step, n, likely, came="", bad=None, rerated=None, hours=0):
    p = Practice(child_id=child.id, step_id=step.id, fear_before=5, fear_peak=6, fear_after=2,
                 outcome="did_it", prediction="It will go wrong", expected_likelihood=likely,
                 prediction_came_true=came, outcome_badness=bad, idempotency_key=f"e{n}",
                 practiced_at=utcnow() - timedelta(hours=48 - hours))
    db.add(p)
    db.flush()
    if rerated is not None:
        db.add(ExpectancyRerating(practice_id=p.id, child_id=child.id, likelihood=rerated))
    return p


def test_the_sql_surprise_is_the_rules_surprise_on_every_possible_practice(db, family):
    step = current_step(make_ladder(db, family.child))
    combos = [(likely, came, bad) for likely, came, bad in product(
        rules.LIKELIHOOD_STEPS, ("", "yes", "partly", "no"), (None, *rules.BADNESS_WORDS))
        if bad is None or came in rules.HAPPENED]
    ids = {_practice(db, family.child, step, n, *combo).id: combo
           for n, combo in enumerate(combos)}
    db.commit()
    in_sql = set(db.exec(select(Practice.id).where(SURPRISE)))
    by_rule = {pid for pid, combo in ids.items()
               if (found := rules.learning("x", *combo)) and found.surprise}
    assert in_sql == by_rule and by_rule


def _history(db, child, step):
    _practice(db, child, step, 1, 100, "no", hours=0)  # a surprise
    _practice(db, child, step, 2, None, hours=1)  # no prediction: left out
    _practice(db, child, step, 3, 75, "yes", 100, rerated=50, hours=2)  # as bad as feared
    _practice(db, child, step, 4, 50, "partly", 0, rerated=25, hours=3)  # a surprise
    db.commit()


def test_the_ladder_trend_gives_first_and_latest_likelihood_and_surprises(db, family):
    ladder = make_ladder(db, family.child)
    _history(db, family.child, current_step(ladder))
    [trend], _ = ladder_trends.for_child(db, family.child.id, "Europe/London")
    [peaks] = trend.practised
    assert peaks.practices == 4
    ex = peaks.expectancy
    assert (ex.first, ex.latest, ex.predictions, ex.surprises) == (100, 25, 3, 2)


def test_a_step_without_predictions_has_no_expectancy(db, family):
    ladder = make_ladder(db, family.child)
    _practice(db, family.child, current_step(ladder), 1, None)
    db.commit()
    [trend], _ = ladder_trends.for_child(db, family.child.id, "Europe/London")
    assert trend.practised[0].expectancy is None


def test_the_summary_gives_each_steps_predictions_in_the_period(db, family):
    ladder = make_ladder(db, family.child)
    _history(db, family.child, current_step(ladder))
    therapist = make_therapist(db)
    active = link(db, therapist, family.child)
    summary = session_summary.for_child(db, family.child, active)
    [change] = summary.expectancy
    assert change.step_title == current_step(ladder).title
    assert (change.trend.first, change.trend.latest, change.trend.surprises) == (100, 25, 2)
