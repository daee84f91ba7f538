"""Which steps the child view shows: the current one and one or two more, never mastered."""
from dataclasses import dataclass

import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.child_steps import mastered_count, steps_for_child


@dataclass
class S:
    position: int
    status: str


def ladder(statuses: str) -> list[S]:
    """m = mastered, c = current, u = upcoming, in ladder order."""
    names = {"m": "mastered", "c": "current", "u": "upcoming"}
    return [S(i + 1, names[c]) for i, c in enumerate(statuses)]


def positions(steps):
    return [s.position for s in steps]


def test_current_then_next_two_of_a_long_ladder():
    steps = ladder("mmmc" + "u" * 8)
    assert positions(steps_for_child(steps)) == [4, 5, 6]


@pytest.mark.parametrize(("statuses", "shown"), [
    ("cuuuu", [1, 2, 3]),
    ("mmmmc", [5]),
    ("mmcu", [3, 4]),
    ("mmmm", []),
    ("", []),
    ("uuuu", [1, 2, 3]),    # no current step yet: the first upcoming leads
    ("mumcu", [4, 5]),      # an upcoming step left below the current one is not shown
])
def test_which_steps_are_shown(statuses, shown):
    assert positions(steps_for_child(ladder(statuses))) == shown


def test_unsorted_input_is_read_in_ladder_order():
    steps = list(reversed(ladder("mcuuu")))
    assert positions(steps_for_child(steps)) == [2, 3, 4]


@pytest.mark.parametrize(("limit", "shown"), [(1, [2]), (2, [2, 3]), (3, [2, 3, 4]),
                                              (10, [2, 3, 4]), (0, [2])])
def test_limit_is_kept_between_one_and_three(limit, shown):
    assert positions(steps_for_child(ladder("mcuuuu"), limit)) == shown


def test_mastered_count():
    assert mastered_count(ladder("mmmcuu")) == 3
    assert mastered_count([]) == 0


@given(st.lists(st.sampled_from("mcu"), max_size=20))
def test_never_more_than_three_never_mastered_current_first(statuses):
    statuses = "".join(statuses)
    if statuses.count("c") > 1:  # a ladder has at most one current step
        statuses = statuses.replace("c", "u").replace("u", "c", 1)
    shown = steps_for_child(ladder(statuses))
    assert len(shown) <= 3
    assert all(s.status != "mastered" for s in shown)
    assert positions(shown) == sorted(positions(shown))
    if "c" in statuses:
        assert shown[0].status == "current"
