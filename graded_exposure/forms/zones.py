"""The time zones every zone select offers (family, reminders, sign-up without JavaScript):
one list, built once, each zone named as people read it ("America/New York")."""
from functools import cache

from wtforms import SelectChoice

from ..rules.timezones import timezone_names


@cache
def zone_choices() -> tuple[SelectChoice, ...]:
    """Every zone the app accepts, as a select's choices."""
    return tuple(SelectChoice(name, name.replace("_", " ")) for name in timezone_names())
