"""The therapist's practice log lines: each practice's words written once, as the filters say
them, from the rows the log lists (services.practices.newest)."""
from datetime import UTC, datetime

import time_machine

from graded_exposure.models import Practice
from graded_exposure.services import practices
from graded_exposure.views.log_lines import LogLine, log_lines
from tests.factories import make_ladder

MOMENT = datetime(2026, 5, 5, 13, 5, 9, tzinfo=UTC)  # 14:05 in London (summer time)
IN_2026 = datetime(2026, 6, 1, tzinfo=UTC)  # read in the same year: no year in the dates


def _listed(db, family, **fields):
    ladder = make_ladder(db, family.child, steps=1)
    db.add(Practice(child_id=family.child.id, step_id=ladder.steps[0].id, practiced_at=MOMENT,
                    fear_before=5, fear_peak=6, fear_after=2, idempotency_key="log-line",
                    logged_by_id=family.user.id, **fields))
    db.commit()
    return practices.newest(db, family.child, 1)


@time_machine.travel(IN_2026, tick=False)  # the practices' dates are 2026's
def test_a_practice_told_in_full_has_every_word_of_its_line(db, family):
    rows = _listed(db, family, outcome="left_early", small_wins=["eye_contact", "laughed"],
                   prediction="I'll cry & <shout>", expected_likelihood=70,
                   prediction_came_true="partly", outcome_badness=40,
                   safety_used=["Holding a hand", "Night light"],
                   safety_behaviours="Phone in pocket", context_where="park",
                   context_with="friend", context_time="afternoon", note="Came back & smiled")

    [line] = log_lines(rows, "Europe/London")

    assert line == LogLine(
        id=rows[0].practice.id, step_title=rows[0].step_title,
        iso_time="2026-05-05T13:05:09+00:00", when="Tue 5 May, 14:05", fears="5 → 6 → 2",
        outcome="left_early", outcome_words="Left early", logged_by=family.user.display_name,
        wins="Eye contact, Laughed",
        predicted="I'll cry & <shout> (70 % likely) (came true: partly, how bad: 40 %)",
        leaned_on="Holding a hand, Night light", safety_behaviours="Phone in pocket",
        context="The park · A friend · Afternoon", note="Came back & smiled")


@time_machine.travel(IN_2026, tick=False)  # the practices' dates are 2026's
def test_a_bare_practice_leaves_every_optional_word_empty(db, family):
    [line] = log_lines(_listed(db, family, outcome="did_it", prediction="It will rain"),
                       "Australia/Sydney")

    assert (line.when, line.outcome_words, line.predicted) == ("Tue 5 May, 23:05", "Did it",
                                                              "It will rain")
    assert line.wins == line.leaned_on == line.safety_behaviours == line.context == ""
    assert line.note == ""
