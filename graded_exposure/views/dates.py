"""Template filters that show stored UTC moments as local wall-clock times."""
from datetime import date, datetime
from zoneinfo import ZoneInfo

from flask import Flask
from flask_login import current_user


def _viewer_zone() -> str | None:
    """The family time zone of the person looking, or None (therapists see UTC)."""
    family = current_user.family if current_user.is_authenticated else None
    return family.timezone if family else None


def zoned_when(moment: datetime | None, tz: str | None = None) -> str:
    """Say a moment in a zone (default: the viewer's family), e.g. 'Tue 6 May, 14:05'."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(tz or _viewer_zone() or "UTC"))
    return f"{local:%a} {local.day} {local:%b, %H:%M}"


def local_when(moment: datetime, with_time: bool = True) -> str:
    """Say a moment with its year in the viewer's family zone, e.g. 'Tue 6 May 2026, 14:05'."""
    zone = _viewer_zone()
    local = moment.astimezone(ZoneInfo(zone or "UTC"))
    day = f"{local.day} {local:%b %Y}"
    if not with_time:
        return day
    return f"{local:%a} {day}, {local:%H:%M}{'' if zone else ' UTC'}"


def short_day(day: date | None) -> str:
    """Say a date short, e.g. 'Tue 6 May'."""
    return f"{day:%a} {day.day} {day:%b}" if day else ""


def init_app(app: Flask) -> None:
    """Register the date filters."""
    for function in (zoned_when, local_when, short_day):
        app.add_template_filter(function)
