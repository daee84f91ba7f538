"""`utc_date(moment)`: the UTC calendar date of a stored timestamp, in SQL, on both engines.

SQLite keeps timestamps as UTC text, so date() reads the date straight off it; PostgreSQL
keeps timestamptz and would take the date in the session's time zone, so the moment is first
put in UTC. A UTC date spans 24 hours, so its moments fall on at most two local days of any
zone in use: the local days of its first and last moments (local_days_of). A third would need
a 23-hour local day starting in the UTC date's first hour, which no zone's daylight-saving
change makes. Grouping practices by UTC date this way reads one row per day practised, however
many practices a day holds (progress.py, insights.py).
"""
from sqlalchemy import Date
from sqlalchemy.ext.compiler import compiles
from sqlalchemy.sql.functions import FunctionElement

from ..rules.timezones import local_date


class utc_date(FunctionElement):  # lower case: a SQL function, named like one
    type = Date()
    inherit_cache = True
    name = "utc_date"


@compiles(utc_date)
def _sqlite(element, compiler, **kw):
    return f"date({compiler.process(element.clauses, **kw)})"


@compiles(utc_date, "postgresql")
def _postgresql(element, compiler, **kw):
    return f"CAST(({compiler.process(element.clauses, **kw)} AT TIME ZONE 'UTC') AS DATE)"


def local_days_of(first, last, tz: str) -> set:
    """The local days in `tz` of a UTC date's moments, from its first and last moment."""
    days = {local_date(last, tz)}
    if first != last:
        days.add(local_date(first, tz))
    return days
