"""Dates from an address count only inside the window a page can show."""
from datetime import date

import pytest

from graded_exposure.rules.showable_days import showable_day

TODAY = date(2026, 5, 6)


@pytest.mark.parametrize("text", ["2000-01-01", "2026-05-06", "2027-05-07", "2026-01-05"])
def test_days_in_the_window_are_read(text):
    assert showable_day(text, TODAY) == date.fromisoformat(text)


@pytest.mark.parametrize("text", ["0001-01-01", "9999-12-31", "1999-12-31", "2027-05-08",
                                  "garbage", "", None, "2026-02-30", "-1", "9" * 40])
def test_other_text_counts_as_no_date(text):
    assert showable_day(text, TODAY) is None
