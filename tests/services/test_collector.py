"""collector.paused: no cyclic collection inside, the collector's own state restored after."""
import gc

import pytest

from graded_exposure.services import collector


@pytest.fixture
def collector_state():
    was = gc.isenabled()
    yield
    (gc.enable if was else gc.disable)()


def test_it_pauses_collection_and_resumes_it_even_after_an_error(collector_state):
    gc.enable()
    with pytest.raises(RuntimeError), collector.paused():
        assert not gc.isenabled()
        raise RuntimeError
    assert gc.isenabled()


def test_it_leaves_a_collector_that_was_off_off(collector_state):
    gc.disable()
    with collector.paused():
        pass
    assert not gc.isenabled()
