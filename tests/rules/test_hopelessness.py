"""The hopelessness flag: raised by two hopeless sessions of the last three, or hopeless words
noted in a check-in within 14 days; never by one hard session or an ordinary bad day."""
from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules import attention
from graded_exposure.rules.flags import Flag
from graded_exposure.rules.hopelessness import (
    HOPEFUL_WORDS_DAYS,
    SessionMark,
    hopelessness_flag,
)

TODAY = date(2026, 5, 6)


def _sessions(*marks: bool, attendance: str = "attended") -> list[SessionMark]:
    """Weekly sessions, oldest first, ending yesterday."""
    n = len(marks)
    return [SessionMark(TODAY - timedelta(days=7 * (n - i) - 6), attendance, hopeless)
            for i, hopeless in enumerate(marks)]


def test_two_of_the_last_three_sessions_raise_the_flag():
    flag = hopelessness_flag(_sessions(True, False, True), [], TODAY)
    assert flag is not None and flag.kind == "hopelessness"
    assert "2 of the last 3 sessions" in flag.message
    assert "referral pathway" in flag.suggestion


def test_declined_sessions_count_too():
    assert hopelessness_flag(_sessions(True, True, attendance="declined"), [], TODAY)


def test_one_hopeless_session_does_not_raise_it():
    assert hopelessness_flag(_sessions(False, True, False), [], TODAY) is None


def test_an_old_hopeless_session_outside_the_last_three_does_not_count():
    assert hopelessness_flag(_sessions(True, True, False, False, False), [], TODAY) is None
    assert hopelessness_flag(_sessions(True, False, True, False), [], TODAY) is None


def test_cancelled_sessions_are_passed_over():
    sessions = _sessions(True, False, True)
    sessions.insert(2, SessionMark(sessions[1].held_on + timedelta(days=1), "cancelled", False))
    assert hopelessness_flag(sessions, [], TODAY) is not None


def test_order_of_the_list_does_not_matter():
    assert hopelessness_flag(list(reversed(_sessions(True, True, False, False))), [],
                             TODAY) is None


def test_hopeless_words_within_fourteen_days_raise_it_and_older_do_not():
    last_day = TODAY - timedelta(days=HOPEFUL_WORDS_DAYS - 1)
    flag = hopelessness_flag([], [last_day], TODAY)
    assert flag is not None and "nothing will help" in flag.message
    assert hopelessness_flag([], [TODAY - timedelta(days=HOPEFUL_WORDS_DAYS)], TODAY) is None


def test_no_sessions_and_no_words_raise_nothing():
    assert hopelessness_flag([], [], TODAY) is None


def test_the_reason_comes_first_in_the_attention_reasons():
    flags = [Flag("no_practice", "No practice.", "Try."),
             Flag("hopelessness", "Hopelessness noted.", "Refer.")]
    reasons = attention.attention_reasons(flags, days_last_7=0, target=3)
    assert [r.kind for r in reasons] == ["hopelessness", "behind_target", "no_practice"]


marks = st.lists(st.tuples(st.integers(0, 60), st.sampled_from(["attended", "declined",
                                                                 "cancelled"]),
                           st.booleans()), max_size=8, unique_by=lambda t: t[0])


def _from(raw) -> list[SessionMark]:
    return [SessionMark(TODAY - timedelta(days=d), a, h) for d, a, h in raw]


@given(marks)
def test_never_raised_with_fewer_than_two_hopeless_of_the_last_three_and_no_words(raw):
    sessions = _from(raw)
    counted = sorted((s for s in sessions if s.attendance != "cancelled"),
                     key=lambda s: s.held_on)[-3:]
    if sum(s.hopeless for s in counted) < 2:
        assert hopelessness_flag(sessions, [], TODAY) is None


@given(marks, st.integers(0, 2), st.lists(st.integers(0, 40), max_size=3))
def test_always_raised_with_two_of_the_last_three(raw, calm_index, words):
    older = [(d + 10, a, h) for d, a, h in raw]  # all older than the last three below
    last_three = [(2, "attended", True), (5, "declined", True), (8, "attended", True)]
    last_three[calm_index] = (last_three[calm_index][0], "attended", False)
    sessions = _from(older + last_three)
    words_days = [TODAY - timedelta(days=d) for d in words]
    assert hopelessness_flag(sessions, words_days, TODAY) is not None
