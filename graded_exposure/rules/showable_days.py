"""The days a page can be asked to show: from 2000 until a year after today.

A date in an address (`?start=`, `?day=`) outside that window is a typo or a probe, and date
arithmetic near year 1 or 9999 overflows, so such a date counts as not given at all.
"""
from datetime import date, timedelta

EARLIEST = date(2000, 1, 1)
AHEAD = timedelta(days=366)


def showable_day(text: str | None, today: date) -> date | None:
    """Return the ISO date in `text` if it lies in the showable window, else None."""
    try:
        day = date.fromisoformat(text or "")
    except ValueError:
        return None
    return day if EARLIEST <= day <= today + AHEAD else None
