"""The "what clicks" ranking: silent below its minimum, a dominant approach first."""
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.what_clicks import (
    MIN_SESSIONS,
    MIN_TRIES,
    SessionFact,
    rank_approaches,
)

APPROACHES = ["art", "music", "sand_play", "games", "drama"]
sessions = st.builds(SessionFact, engagement=st.one_of(st.none(), st.integers(1, 5)),
                     approaches=st.frozensets(st.sampled_from(APPROACHES)))


@given(st.lists(sessions, max_size=12))
def test_it_never_speaks_below_its_minimum_and_always_says_what_it_rests_on(facts):
    found = rank_approaches(facts)
    rated = sum(1 for f in facts if f.engagement is not None)
    assert found.sessions == rated
    if rated < MIN_SESSIONS:
        assert found.ranked == () and not found.speaks
        assert found.sessions_needed == MIN_SESSIONS - rated
    assert all(score.tries >= MIN_TRIES for score in found.ranked)


@given(st.lists(sessions, max_size=12), st.integers(MIN_TRIES, 6), st.integers(0, 4))
def test_an_approach_tried_only_in_the_most_engaged_sessions_ranks_first(others, high, low):
    # "puppets" goes with engagement 5 every time; every other session is at most 4.
    others = [SessionFact(min(f.engagement or 1, 4), f.approaches) for f in others]
    facts = [*others, *[SessionFact(5, frozenset({"puppets"})) for _ in range(high)],
             *[SessionFact(1, frozenset({"art"})) for _ in range(low)]]
    found = rank_approaches(facts)
    if found.speaks:
        assert found.ranked[0].approach == "puppets"
        assert found.ranked[0].mean_engagement == 5


def test_three_sessions_say_nothing_and_four_speak():
    facts = [SessionFact(4, frozenset({"art"})), SessionFact(2, frozenset({"music"})),
             SessionFact(5, frozenset({"art", "music"}))]
    assert rank_approaches(facts).ranked == ()
    found = rank_approaches([*facts, SessionFact(3, frozenset({"music"}))])
    assert [(s.approach, s.tries, s.mean_engagement) for s in found.ranked] == [
        ("art", 2, 4.5), ("music", 3, 3.33)]


def test_sessions_without_an_engagement_level_do_not_count():
    facts = [SessionFact(None, frozenset({"art"}))] * 5
    found = rank_approaches(facts)
    assert found.sessions == 0 and found.ranked == ()
