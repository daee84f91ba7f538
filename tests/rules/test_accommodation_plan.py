"""The SPACE plan's rules: target suggestion, the hold threshold, the expected rise, statements."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import accommodation_plan as plan
from graded_exposure.rules.accommodation_plan import (
    Accommodated,
    TrackedDay,
    announcement,
    days_stuck,
    expected_rise_message,
    has_held,
    statement_cautions,
    suggest_targets,
    supportive_statement,
)

TODAY = date(2026, 11, 26)  # a Thursday
KINDS = ("school", "outing", "social", "separation")
ACCS = ("kept_home", "excused", "spoke_for", "reassurance", "changed_routine", "other")


def day(n: int) -> date:
    return TODAY - timedelta(days=n)


accommodated = st.builds(Accommodated, st.integers(0, 60).map(day), st.sampled_from(KINDS),
                         st.sampled_from(ACCS))
tracked = st.builds(TrackedDay, st.integers(0, 30).map(day), st.booleans(),
                    st.one_of(st.none(), st.integers(0, 10)))


def test_the_most_frequent_accommodation_comes_first_with_its_weekdays():
    history = ([Accommodated(day(n), "school", "kept_home") for n in (0, 7, 14)]
               + [Accommodated(day(1), "social", "spoke_for")])
    first, second = suggest_targets(history, TODAY)
    assert (first.avoidance_kind, first.accommodation, first.days) == ("school", "kept_home", 3)
    assert first.weekdays == ("Thursday",)
    assert first.label("Sam") == "Keeping Sam home (school or nursery)"
    assert (second.accommodation, second.days, second.weekdays) == ("spoke_for", 1, ())


def test_something_else_and_old_days_are_never_suggested():
    history = [Accommodated(day(0), "school", "other"),
               Accommodated(day(plan.SUGGEST_WINDOW_DAYS), "school", "kept_home")]
    assert suggest_targets(history, TODAY) == []


@given(st.lists(accommodated, max_size=40))
def test_suggestions_are_targetable_recent_and_ranked(history):
    found = suggest_targets(history, TODAY)
    assert len(found) <= 3
    assert all(c.accommodation in plan.TARGETABLE for c in found)
    assert [c.days for c in found] == sorted((c.days for c in found), reverse=True)
    for c in found:
        recent = {a.day for a in history if (a.avoidance_kind, a.accommodation)
                  == (c.avoidance_kind, c.accommodation) and a.day > day(plan.SUGGEST_WINDOW_DAYS)}
        assert c.days == len(recent) > 0


def test_held_on_seven_of_the_last_ten_days_by_default():
    kept = [TrackedDay(day(n), True) for n in range(7)]
    assert has_held(kept, TODAY)
    assert not has_held(kept[:6], TODAY)
    assert has_held([TrackedDay(day(n), True) for n in range(3, 10)], TODAY)
    assert not has_held([TrackedDay(day(n + 10), True) for n in range(7)], TODAY)


def test_a_day_not_kept_does_not_count():
    assert days_stuck([TrackedDay(day(0), False), TrackedDay(day(1), True)], TODAY) == 1


@given(st.lists(tracked, max_size=30), st.integers(1, 10), st.integers(1, 10))
def test_held_means_enough_distinct_kept_days_in_the_window(days, needed, window):
    kept = {t.day for t in days if t.stuck and t.day > day(window)}
    assert has_held(days, TODAY, needed, window) == (len(kept) >= needed)
    assert days_stuck(days, TODAY, window) <= window


def test_a_rise_in_the_first_days_is_named_as_expected():
    start = day(3)
    rising = [TrackedDay(day(1), True, 8)]
    assert expected_rise_message([4, 5], rising, start, TODAY) == plan.EXPECTED_RISE
    assert "not a sign that the plan is failing" in plan.EXPECTED_RISE


def test_no_rise_message_without_a_rise_or_after_the_first_weeks_or_without_data():
    calm = [TrackedDay(day(1), True, 3)]
    assert expected_rise_message([4, 5], calm, day(3), TODAY) is None
    late = [TrackedDay(day(1), True, 9)]
    assert expected_rise_message([4], late, day(plan.EARLY_DAYS), TODAY) is None
    assert expected_rise_message([], late, day(3), TODAY) is None
    assert expected_rise_message([4], [], day(3), TODAY) is None


@given(st.lists(st.integers(0, 10), max_size=10), st.lists(tracked, max_size=20),
       st.integers(0, 30))
def test_the_rise_message_only_speaks_early_and_above_the_level_before(baseline, days, ago):
    start = day(ago)
    message = expected_rise_message(baseline, days, start, TODAY)
    if message is not None:
        assert ago < plan.EARLY_DAYS and baseline
        since = [t.child_upset for t in days if t.child_upset is not None and t.day >= start]
        assert max(since) > sum(baseline) / len(baseline)


def test_reassurance_and_threats_get_a_gentle_caution():
    assert statement_cautions("Don’t worry, nothing bad will happen") == (
        plan.CAUTION_REASSURANCE,)
    assert statement_cautions("If you don't go you'll lose your tablet") == (plan.CAUTION_THREAT,)
    assert statement_cautions(plan.EXAMPLE_STATEMENTS["8-10"][0]) == ()


@given(st.sampled_from(sorted(plan.EXAMPLE_STATEMENTS)))
def test_our_own_examples_never_trip_the_cautions(band):
    for example in plan.examples_for(band):
        assert statement_cautions(example) == ()


def test_an_unknown_age_band_gets_the_middle_examples():
    assert plan.examples_for("") == plan.EXAMPLE_STATEMENTS[plan.DEFAULT_AGE_BAND]


def test_statement_joins_acceptance_and_confidence():
    assert supportive_statement("I know this is hard.", "I know you can do it") == (
        "I know this is hard, and I know you can do it.")
    assert supportive_statement(" ", "") == ""


def test_announcement_says_love_confidence_the_change_and_when_without_blame():
    text = announcement("Mia", date(2026, 11, 30), "We will take you to school every day",
                        "I know this is hard, and I know you can do it.", TODAY)
    assert text.startswith("Mia, we love you, and we know you can handle feeling anxious.")
    assert "From Monday, we will take you to school every day." in text
    assert "not your fault" in text
    assert "From today" in announcement("Mia", TODAY, "x", "", TODAY)
    assert "From tomorrow" in announcement("Mia", day(-1), "x", "", TODAY)


def test_every_why_text_names_its_source():
    for why in (plan.WHY_ONE_TARGET, plan.WHY_STATEMENT, plan.WHY_HOLD,
                plan.WHY_PARENT_DISTRESS, plan.EXPECTED_RISE):
        assert "Source:" in why and "Lebowitz" in why
