"""Reading the caseload summary's step entries: readiness only from entries that hold it."""
from graded_exposure.services import summary_steps

WINDOW = [1796188693264047, [5, 4, 6, 5, 7]]
RULE = [3, 2, 3, True, 1]


def _entry(step_id: int, current: bool, ready: bool = False) -> list:
    return [1, "School", step_id, "Gate", current, 4, 739953, False, WINDOW, ready,
            RULE if current else None]


def test_ready_current_steps_are_read_from_complete_entries():
    entries = [_entry(1, True, ready=True), _entry(2, True), _entry(3, False)]
    assert summary_steps.ready_step_ids(entries) == {1}


def test_a_current_step_stored_before_readiness_says_nothing():
    old = _entry(1, True, ready=True)[:summary_steps.WINDOW]  # the eight fields of before
    assert not summary_steps.complete(old)
    assert summary_steps.ready_step_ids([old, _entry(2, True, ready=True)]) is None


def test_an_older_entry_of_a_step_that_is_not_current_does_not_matter():
    flat_only = _entry(3, False)[:summary_steps.WINDOW]
    assert summary_steps.ready_step_ids([flat_only, _entry(1, True, ready=True)]) == {1}
