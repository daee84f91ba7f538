"""Durations in words."""
from datetime import timedelta

import pytest

from graded_exposure.rules.durations import in_words


@pytest.mark.parametrize(("duration", "words"), [
    (timedelta(hours=1), "1 hour"), (timedelta(hours=24), "24 hours"),
    (timedelta(days=7), "7 days"), (timedelta(days=2), "2 days"),
    (timedelta(minutes=15), "15 minutes"), (timedelta(minutes=1), "1 minute"),
    (timedelta(seconds=5), "1 minute"), (timedelta(minutes=90), "90 minutes"),
])
def test_in_words(duration, words):
    assert in_words(duration) == words
