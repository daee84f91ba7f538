"""Calm bought by avoidance versus calm earned by facing."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.avoidance_trap import (
    accommodation_trend,
    calm_days_bought_by_avoidance,
    calm_days_split,
    is_bought_by_avoidance,
    trap_sentence,
    week_start,
    weekly_avoidance,
    weeks_since,
)
from graded_exposure.rules.facts import CheckInFact

TODAY = date(2026, 11, 26)  # a Thursday


def day(n: int) -> date:
    return TODAY - timedelta(days=n)


def test_no_data_says_so_and_invites_a_checkin():
    split = calm_days_bought_by_avoidance([], TODAY)
    assert (split.calm, split.bought, split.earned, split.checkins) == (0, 0, 0, 0)
    assert "No day check-ins in the last 7 days" in trap_sentence(split)


def test_calm_day_with_avoided_school_is_bought():
    checkin = CheckInFact(TODAY, child_distress=1, avoided=("school",))
    assert is_bought_by_avoidance(checkin)


def test_calm_day_with_only_an_accommodation_is_bought():
    assert is_bought_by_avoidance(CheckInFact(TODAY, 2, accommodations=("reassurance",)))


def test_distressed_day_is_never_calm_whatever_was_avoided():
    split = calm_days_split([CheckInFact(TODAY, 8, avoided=("school",))], TODAY, TODAY)
    assert (split.calm, split.bought, split.checkins) == (0, 0, 1)


def test_calm_threshold_is_three():
    split = calm_days_split([CheckInFact(day(0), 3), CheckInFact(day(1), 4)], day(1), TODAY)
    assert split.calm == 1


def test_sentence_counts_bought_days_among_calm_days():
    checkins = [CheckInFact(day(i), 1, avoided=("school",)) for i in range(4)]
    checkins += [CheckInFact(day(i), 2) for i in range(4, 7)]
    split = calm_days_bought_by_avoidance(checkins, TODAY)
    assert trap_sentence(split) == "4 of the last 7 calm days were days something was avoided or accommodated."


def test_sentence_for_one_calm_day_and_for_all_earned():
    one = calm_days_bought_by_avoidance([CheckInFact(TODAY, 0, avoided=("outing",))], TODAY)
    assert trap_sentence(one) == "The one calm day in the last 7 days was a day something was avoided or accommodated."
    earned = calm_days_bought_by_avoidance([CheckInFact(day(0), 0), CheckInFact(day(1), 2)], TODAY)
    assert trap_sentence(earned).startswith("All 2 calm days in the last 7 days were earned")


def test_window_excludes_the_eighth_day_back():
    split = calm_days_bought_by_avoidance([CheckInFact(day(7), 0, avoided=("school",))], TODAY)
    assert split.checkins == 0


def test_weeks_start_on_monday_and_count_accommodation_kinds():
    assert week_start(TODAY) == date(2026, 11, 23)
    checkins = [CheckInFact(date(2026, 11, 23), 2, ("school",), ("kept_home", "reassurance")),
                CheckInFact(date(2026, 11, 22), 5, ("outing",), ("excused",))]
    weeks = weekly_avoidance(checkins, TODAY, weeks=2)
    assert [w.start for w in weeks] == [date(2026, 11, 16), date(2026, 11, 23)]
    assert weeks[1].accommodation_kinds == {"kept_home": 1, "reassurance": 1}
    assert (weeks[0].avoidances, weeks[0].accommodations) == (1, 1)


def test_accommodation_trend_ignores_the_partial_current_week():
    def weeks_with(counts):
        checkins = []
        for i, n in enumerate(counts):
            start = week_start(TODAY) - timedelta(weeks=len(counts) - 1 - i)
            checkins += [CheckInFact(start, 5, (), ("reassurance",))] * n
        return weekly_avoidance(checkins, TODAY, weeks=len(counts))

    assert accommodation_trend(weeks_with([1, 1, 3, 3, 0])) == "rising"
    assert accommodation_trend(weeks_with([3, 3, 1, 1, 9])) == "falling"
    assert accommodation_trend(weeks_with([2, 2, 2, 2, 0])) == "steady"
    assert accommodation_trend(weeks_with([5, 0])) is None


def test_accommodation_trend_stays_silent_before_four_full_weeks():
    def weeks_with(counts):
        checkins = []
        for i, n in enumerate(counts):
            start = week_start(TODAY) - timedelta(weeks=len(counts) - 1 - i)
            checkins += [CheckInFact(start, 5, (), ("reassurance",))] * n
        return weekly_avoidance(checkins, TODAY, weeks=8)

    three_weeks_in = weeks_since(weeks_with([0, 0, 0, 0, 1, 1, 3, 0]),
                                 week_start(TODAY) - timedelta(weeks=3))
    assert len(three_weeks_in) == 4 and accommodation_trend(three_weeks_in) is None
    four_weeks_in = weeks_since(weeks_with([0, 0, 0, 1, 1, 3, 3, 0]),
                                week_start(TODAY) - timedelta(weeks=4))
    assert accommodation_trend(four_weeks_in) == "rising"


def test_weeks_start_with_the_week_of_the_first_check_in():
    checkins = [CheckInFact(TODAY - timedelta(days=9), 2, ("school",))]
    weeks = weekly_avoidance(checkins, TODAY, weeks=8)
    shown = weeks_since(weeks, TODAY - timedelta(days=9))
    assert shown[0].start == week_start(TODAY - timedelta(days=9))
    assert shown[0].start <= TODAY - timedelta(days=9) and len(shown) == 2
    assert weeks_since(weeks, None) == []


checkin_strategy = st.builds(
    CheckInFact,
    day=st.integers(0, 30).map(day),
    child_distress=st.integers(0, 10),
    avoided=st.lists(st.sampled_from(["school", "outing", "social"]), max_size=2).map(tuple),
    accommodations=st.lists(st.sampled_from(["kept_home", "excused"]), max_size=2).map(tuple),
)


@given(st.lists(checkin_strategy, max_size=40))
def test_bought_plus_earned_is_always_calm(checkins):
    split = calm_days_bought_by_avoidance(checkins, TODAY, days=14)
    assert split.bought + split.earned == split.calm <= split.checkins


@given(st.lists(checkin_strategy, max_size=40))
def test_weekly_counts_add_up_to_the_whole_period(checkins):
    weeks = weekly_avoidance(checkins, TODAY, weeks=6)
    first = weeks[0].start
    inside = [c for c in checkins if first <= c.day <= TODAY]
    assert sum(w.avoidances for w in weeks) == sum(len(c.avoided) for c in inside)
    assert sum(w.calm.calm for w in weeks) == calm_days_split(inside, first, TODAY).calm
