"""Time zone names the app accepts (IANA) and the local day they give."""
from datetime import date, datetime, time
from functools import cache
from zoneinfo import ZoneInfo, available_timezones


@cache
def timezone_names() -> tuple[str, ...]:
    """Return the sorted IANA time zone names, without legacy aliases."""
    legacy = ("Etc/", "SystemV/", "US/", "Canada/", "Mexico/", "Brazil/", "Chile/")
    names = (n for n in available_timezones() if "/" in n and not n.startswith(legacy))
    return (*sorted(names), "UTC")


def valid_timezone(name: str) -> bool:
    """Return True when name is an IANA time zone this app offers."""
    return name in timezone_names()


def local_date(moment: datetime, tz_name: str) -> date:
    """Return the calendar day a UTC-aware moment falls on in the given zone."""
    return moment.astimezone(ZoneInfo(tz_name)).date()


# The zone furthest ahead (UTC+14): its date is the newest calendar day anywhere on Earth.
FURTHEST_AHEAD = "Pacific/Kiritimati"


def newest_date(moment: datetime) -> date:
    """Return the newest calendar day anywhere at this UTC-aware moment: a date after it is in
    the future for everyone, wherever they are (a therapist may be a day ahead of the family)."""
    return local_date(moment, FURTHEST_AHEAD)


def local_midnight(day: date, tz_name: str) -> datetime:
    """Return the moment the local day begins in the given zone: the start of a window of
    stored moments that falls on local days."""
    return datetime.combine(day, time.min, ZoneInfo(tz_name))
