"""Durations in plain words, for messages that state how long a link or a limit lasts."""
from datetime import timedelta


def in_words(duration: timedelta) -> str:
    """Return a duration as people say it: "1 hour", "24 hours", "7 days", "15 minutes"."""
    minutes = int(duration.total_seconds() // 60)
    if minutes >= 48 * 60 and minutes % (24 * 60) == 0:
        amount, unit = minutes // (24 * 60), "day"
    elif minutes >= 60 and minutes % 60 == 0:
        amount, unit = minutes // 60, "hour"
    else:
        amount, unit = max(minutes, 1), "minute"
    return f"{amount} {unit}{'' if amount == 1 else 's'}"
