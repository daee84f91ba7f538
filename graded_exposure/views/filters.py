"""Every app-wide template filter: stored words and moments shown as people read them."""
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

from flask import Flask, current_app
from flask_login import current_user

from ..channels import registry
from ..forms.checkins import ACCOMMODATION_LABELS, AVOIDANCE_LABELS
from ..models import Ladder
from ..rules import ladder_rules
from ..rules.durations import in_words
from ..rules.expectancy import ExpectancyTrend, change_words
from ..rules.faces import face_for_fear
from ..rules.practice_context import context_words
from ..rules.practice_rules import OUTCOMES, SMALL_WINS
from ..rules.schedule import WEEKDAY_NAMES
from ..services import progress
from ..services.therapist_links import CODE_LIFETIME
from ..services.what_clicks import approach_label
from ..vocabulary import (
    APPROACH_RESULTS,
    APPROACHES,
    ATTENDANCE,
    ENGAGEMENT_LEVELS,
    SESSION_MODES,
    SESSION_PRESENTATIONS,
    SESSION_WINS,
)

# Day and month names as strftime's %a and %b give them (the app speaks English): written out
# by hand, since strftime cost more than the rest of a practice's row on the pages that list
# them; tests/views/test_filters.py holds the two equal.
MONTH_NAMES = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov",
               "Dec")
KIND_NAMES = {"practice": "Practice reminder", "missed_nudge": "Evening nudge",
              "weekly_digest": "Weekly digest", "therapist": "From your therapist",
              "booster": "Booster practice",
              "rerate": "How likely it feels now"}


def expectancy_change(trend: ExpectancyTrend) -> str:
    """Say how likely a step's feared outcome felt at first and lately."""
    return change_words(trend)


def outcome_label(outcome: str) -> str:
    """Return the words for a stored outcome."""
    return OUTCOMES.get(outcome, outcome)


def avoidance_label(kind: str) -> str:
    """Return the words for a kind of avoidance."""
    return AVOIDANCE_LABELS.get(kind, kind)


def accommodation_label(kind: str) -> str:
    """Return the words for a kind of accommodation."""
    return ACCOMMODATION_LABELS.get(kind, kind)


def win_label(kind: str) -> str:
    """Return the words for a small win."""
    return SMALL_WINS.get(kind, kind)


def face_label(fear: int) -> str:
    """Return the name of the face nearest to a 0-10 fear (the child's own words)."""
    return face_for_fear(fear).label


def area_label(area: str) -> str:
    """Show an area key in words."""
    return ladder_rules.area_label(area)


def mastery_rule_words(ladder: Ladder) -> str:
    """Say a ladder's mastery rule in plain words."""
    return progress.mastery_rule(ladder).describe()


def reminder_kind(kind: str) -> str:
    """Name a kind of reminder in words."""
    return KIND_NAMES.get(kind, kind)


def channel_name(name: str) -> str:
    """Name a reminder channel briefly, as the reminder list shows it."""
    channel = registry.BY_NAME.get(name)
    return channel.short if channel else name


def reminder_days(weekdays: str) -> str:
    """Say which days a reminder runs on, e.g. "Every day", "Mon to Fri", "Mon, Wed"."""
    named = {"1234567": "Every day", "12345": "Mon to Fri", "67": "Sat and Sun"}
    return named.get(weekdays) or ", ".join(WEEKDAY_NAMES[int(d) - 1] for d in weekdays)


def _viewer_zone() -> str | None:
    """The family time zone of the person looking, or None (therapists see UTC)."""
    family = current_user.family if current_user.is_authenticated else None
    return family.timezone if family else None


def zoned_when(moment: datetime | None, tz: str | None = None) -> str:
    """Say a moment in a zone (default: the viewer's family), e.g. 'Tue 6 May, 14:05'."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(tz or _viewer_zone() or "UTC"))
    return f"{short_day(local)}, {local.hour:02}:{local.minute:02}"


def clock(moment: datetime | None, tz: str | None = None) -> str:
    """Say the time of day of a moment in a zone (default: the viewer's family), e.g. '14:05'."""
    if moment is None:
        return ""
    local = moment.astimezone(ZoneInfo(tz or _viewer_zone() or "UTC"))
    return f"{local.hour:02}:{local.minute:02}"


def local_when(moment: datetime, with_time: bool = True) -> str:
    """Say a moment with its year in the viewer's family zone, e.g. 'Tue 6 May 2026, 14:05'."""
    zone = _viewer_zone()
    local = moment.astimezone(ZoneInfo(zone or "UTC"))
    day = f"{local.day} {MONTH_NAMES[local.month - 1]} {local.year}"
    if not with_time:
        return day
    return (f"{WEEKDAY_NAMES[local.weekday()]} {day}, {local.hour:02}:{local.minute:02}"
            f"{'' if zone else ' UTC'}")


def short_day(day: date | None) -> str:
    """Say a date short, e.g. 'Tue 6 May', with its year when that is not this year's
    ('Sun 28 Dec 2025'): a year of history, or a reminder next January, reads unambiguously."""
    if not day:
        return ""
    said = f"{WEEKDAY_NAMES[day.weekday()]} {day.day} {MONTH_NAMES[day.month - 1]}"
    return said if day.year == datetime.now(UTC).year else f"{said} {day.year}"


def machine_time(moment: date | datetime) -> str:
    """Write a moment for a `<time datetime>`: to the second, as HTML allows (no microseconds)."""
    if isinstance(moment, datetime):
        return moment.isoformat(timespec="seconds")
    return moment.isoformat()


# A session record's stored choices, by what kind of choice they are.
SESSION_WORDS = {"mode": SESSION_MODES, "attendance": ATTENDANCE,
                 "presentation": SESSION_PRESENTATIONS, "engagement": ENGAGEMENT_LEVELS,
                 "approach": APPROACHES, "result": APPROACH_RESULTS, "win": SESSION_WINS}


def session_word(value, kind: str) -> str:
    """Return the words for one of a session record's stored choices."""
    return SESSION_WORDS[kind].get(value, value)


def practice_context(practice) -> str:
    """Say where, with whom and when a practice (or a listed row of one) happened."""
    return context_words(practice.context_where, practice.context_with, practice.context_time)


def what_clicks_approach(key: str) -> str:
    """Return the words for an approach in the "what clicks" ranking."""
    return approach_label(key)


def required_message(field) -> str:
    """The message of the validator that makes the field required ("Tap how scared your child
    was after."), or "" for an optional field: offline.js shows it when there is no signal for
    the server to answer with it."""
    return next((validator.message or "" for validator in field.validators
                 if getattr(validator, "field_flags", {}).get("required")), "")


FILTERS = (session_word, what_clicks_approach, practice_context, outcome_label, face_label,
           avoidance_label,
           accommodation_label, win_label, area_label, mastery_rule_words, reminder_kind,
           channel_name, reminder_days, zoned_when, clock, local_when, short_day, machine_time,
           expectancy_change, required_message)


def lifetime(setting: str) -> str:
    """Return how long a configured link lasts, in words: pages say what the app enforces."""
    return in_words(current_app.config[setting])


def init_app(app: Flask) -> None:
    """Register every template filter under its function's name, and `lifetime`."""
    for function in FILTERS:
        app.add_template_filter(function)
    app.add_template_global(lifetime)
    app.add_template_global(in_words(CODE_LIFETIME), "code_lifetime")
