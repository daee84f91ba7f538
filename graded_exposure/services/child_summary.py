"""The caseload's per-child summary (models.ChildSummary): built from one child's own rows.

summary_tracking.py rebuilds a child's row in the commit of every write that changes it, so
the caseload reads one indexed query. A row depends on the child's data alone, never on the
clock: recent days are counted back from the child's own last practice or check-in, so the
rows the caseload reads stay a superset of any later window, and the rules decide at read
time what they mean today. Writes that bypass the ORM (the Core bulk deletes of account and
family deletion) remove rows through the foreign key's cascade.
"""
import json
from collections import Counter
from dataclasses import astuple
from datetime import UTC, date, datetime, timedelta
from functools import cache

from sqlalchemy import Integer, bindparam, delete, func, literal, select, update
from sqlalchemy.engine import Connection

from ..models import (
    Avoidance,
    Child,
    ChildSummary,
    DayCheckIn,
    Family,
    Ladder,
    Practice,
    Step,
    TherapistNote,
    TherapySession,
    UTCDateTime,
)
from ..rules import flags, hopelessness, streaks
from ..rules.facts import TRIED_OUTCOMES
from ..rules.mastery import MasteryRule, is_qualifying
from ..rules.timezones import local_date
from . import summary_steps
from .insights import PRACTICE_DATES, WINS_AND_STARS, fear_windows, practice_fact
from .progress import meeting_their_rules
from .upserts import insert_for
from .utc_days import local_days_of

# Practice days kept back from the last practice's local day: the 28-day window, plus slack for
# time zones. Counted in local days, so a new practice can be folded into the stored days alone.
PRACTICE_DAYS_KEPT = 36
# Kept back from the last check-in: the avoidance rule compares two weeks.
CHECKIN_DAYS_KEPT = timedelta(days=15)
SUMMARY = ChildSummary.__table__


# ---- building one child's row ----------------------------------------------------------------
# Built once with bound parameters: a refresh runs inside every write's commit, and building
# and hashing these statements anew each time cost more than running them.

CHILD = bindparam("child_id")


def _of_child(expression, child_column, *where):
    return select(expression).where(child_column == CHILD, *where).scalar_subquery()


HEAD = (select(
    Family.timezone,
    _of_child(func.max(Practice.practiced_at), Practice.child_id).label("last_practice"),
    _of_child(func.max(DayCheckIn.updated_at), DayCheckIn.child_id).label("last_checkin"),
    _of_child(func.max(DayCheckIn.day), DayCheckIn.child_id).label("last_day"),
    _of_child(func.min(DayCheckIn.day), DayCheckIn.child_id).label("first_day"),
    _of_child(func.min(Ladder.created_at), Ladder.child_id,
              Ladder.status == "active").label("ladder_since"),
    _of_child(func.count(), TherapistNote.child_id, TherapistNote.kind == "homework",
              TherapistNote.done_at.is_(None)).label("homework"),
    _of_child(func.max(DayCheckIn.day), DayCheckIn.child_id,
              DayCheckIn.hopeless_words).label("hopeless_words_day"),
).select_from(Child).join(Family, Family.id == Child.family_id).where(Child.id == CHILD))

PRACTICE_MOMENTS = select(Practice.practiced_at).where(
    Practice.child_id == CHILD, Practice.practiced_at >= bindparam("since", type_=UTCDateTime))

AVOIDED = (select(DayCheckIn.id, DayCheckIn.day, DayCheckIn.child_distress, Avoidance.kind)
           .join(Avoidance, Avoidance.checkin_id == DayCheckIn.id)
           .where(DayCheckIn.child_id == CHILD,
                  DayCheckIn.day >= bindparam("since", type_=DayCheckIn.__table__.c.day.type))
           .order_by(DayCheckIn.day, DayCheckIn.id, Avoidance.id))

# The last counted sessions' presentations, newest first (rules/hopelessness.py).
LAST_SESSIONS = (select(TherapySession.presentations)
                 .where(TherapySession.child_id == CHILD,
                        TherapySession.attendance.in_(hopelessness.COUNTED_ATTENDANCE))
                 .order_by(TherapySession.held_on.desc(), TherapySession.id.desc())
                 .limit(hopelessness.RECENT_SESSIONS))

ACTIVE_STEPS = (select(Ladder.id, Ladder.goal, Step.id, Step.title, Step.status,
                       Step.predicted_fear, Step.current_since, Ladder.mastery_min_practices,
                       Ladder.mastery_min_days, Ladder.mastery_max_peak,
                       Ladder.mastery_count_halving, Ladder.mastery_min_contexts)
                .join(Step, Step.ladder_id == Ladder.id)
                .where(Ladder.child_id == CHILD, Ladder.status == "active")
                .order_by(Ladder.id, Step.position, Step.id))


# The parts of a row beyond what HEAD gives, and the rows each depends on. A write rebuilds
# only the parts its changes reach: a check-in does not reread the ladders.
PRACTICE_DAYS, STEPS, AVOIDANCES = "practice_days", "steps", "avoidances"
# Rebuilt with PRACTICE_DAYS: they too change with every practice.
STREAK_START, LONGEST, STARS, WINS = "streak_start_day", "longest_streak", "stars", "small_wins"
HOPELESS_SESSIONS = "hopeless_sessions"
EVERY_PART = frozenset({PRACTICE_DAYS, STEPS, AVOIDANCES, HOPELESS_SESSIONS})


def summary_of(connection: Connection, child_id: int,
               parts: frozenset[str] = EVERY_PART) -> dict | None:
    """Return a child's summary row (HEAD's columns and `parts`) from their stored data.

    None when there is no such child.
    """
    head = connection.execute(HEAD, {"child_id": child_id}).first()
    if head is None:
        return None
    tz, last_practice = head.timezone, head.last_practice
    moments = [m for m in (last_practice, head.last_checkin) if m]
    values = {"child_id": child_id, "last_activity_at": max(moments, default=None),
              "last_practice_day": _day(last_practice, tz),
              "ladder_since_day": _day(head.ladder_since, tz), "open_homework": head.homework,
              "first_checkin_day": head.first_day.toordinal() if head.first_day else None,
              "hopeless_words_day": (head.hopeless_words_day.toordinal()
                                     if head.hopeless_words_day else None)}
    if PRACTICE_DAYS in parts:
        values[PRACTICE_DAYS] = _practice_days(connection, child_id, last_practice, tz)
        values.update(_history(connection, child_id, values["last_practice_day"], tz))
    if AVOIDANCES in parts:
        values[AVOIDANCES] = _avoidances(connection, child_id, head.last_day)
    if STEPS in parts:
        values[STEPS] = _steps(connection, child_id, tz)
    if HOPELESS_SESSIONS in parts:
        values[HOPELESS_SESSIONS] = sum(
            "hopeless" in marks for marks in
            connection.execute(LAST_SESSIONS, {"child_id": child_id}).scalars())
    return values


def _day(moment, tz: str) -> int | None:
    return local_date(moment, tz).toordinal() if moment else None


def _practice_days(connection: Connection, child_id: int, last, tz: str) -> list[int]:
    if last is None:
        return []
    # Two days more than kept: any local day lies within a day of the same UTC date.
    moments = connection.execute(PRACTICE_MOMENTS, {
        "child_id": child_id, "since": last - timedelta(days=PRACTICE_DAYS_KEPT + 2)})
    return kept_days({local_date(moment, tz).toordinal() for moment in moments.scalars()},
                     _day(last, tz))


def _history(connection: Connection, child_id: int, last_day: int | None, tz: str) -> dict:
    """The whole history's streaks, stars and small wins (two statements, one row per day
    practised and per distinct set of wins)."""
    days = {day.toordinal() for first, last in connection.execute(PRACTICE_DATES,
                                                                   {"child_id": child_id})
            for day in local_days_of(first, last, tz)}
    start = last_day
    while start is not None and start - 1 in days:
        start -= 1
    stars, wins = 0, Counter()
    for text, times, their_stars in connection.execute(WINS_AND_STARS, {"child_id": child_id}):
        stars += their_stars or 0
        for win in json.loads(text):
            wins[win] += times
    return {STREAK_START: start, LONGEST: streaks.longest_streak(
                {date.fromordinal(day) for day in days}),
            STARS: stars, WINS: dict(sorted(wins.items()))}


def _fold_history(stored, new_days: set[int], added: list, tz: str) -> dict | None:
    """The history fields with new practices folded in, or None when only a recount can say
    (a practice on an earlier day than the last one, which may join or split runs)."""
    last = stored.last_practice_day
    if last is not None and any(day < last for day in new_days):
        return None
    start, longest = stored.streak_start_day, stored.longest_streak
    for day in sorted(new_days - {last}):
        start = start if last is not None and day == last + 1 else day
        last = day
        longest = max(longest, last - start + 1)
    wins = Counter(stored.small_wins)
    for practice in added:
        wins.update(practice.small_wins)
    return {STREAK_START: start, LONGEST: longest,
            STARS: stored.stars + sum(streaks.stars_for(practice_fact(p, tz)) for p in added),
            WINS: dict(sorted(wins.items()))}


def kept_days(days: set[int], last_day: int) -> list[int]:
    """The practice days a row keeps: those within PRACTICE_DAYS_KEPT of the last one."""
    return sorted(day for day in days if day >= last_day - PRACTICE_DAYS_KEPT)


def _avoidances(connection: Connection, child_id: int, last_day) -> list[list]:
    """[day ordinal, distress, [kinds]] for each recent check-in that recorded avoidance."""
    if last_day is None:
        return []
    rows = connection.execute(AVOIDED, {"child_id": child_id,
                                        "since": last_day - CHECKIN_DAYS_KEPT})
    found: dict[int, list] = {}
    for checkin_id, day, distress, kind in rows:
        found.setdefault(checkin_id, [day.toordinal(), distress, []])[2].append(kind)
    return list(found.values())


def _steps(connection: Connection, child_id: int, tz: str) -> list[list]:
    """Current or fear-not-falling steps of the active ladders, in ladder and step order, each
    with its fear window and, if current, whether it meets its mastery rule and the rule
    (models.ChildSummary.steps)."""
    rows = connection.execute(ACTIVE_STEPS, {"child_id": child_id}).all()
    unmastered = [row[2] for row in rows if row[4] != "mastered"]
    windows = fear_windows(connection, unmastered)
    rules = {row[2]: MasteryRule(*row[7:]) for row in rows if row[4] == "current"}
    ready = meeting_their_rules(connection, rules, tz)
    found = []
    for ladder_id, goal, step_id, title, status, fear, since, *_rule in rows:
        current = status == "current"
        window = windows.get(step_id, [])
        flat = status != "mastered" and flags.fear_is_not_falling(
            [practice_fact(row, tz) for row in window])
        if current or flat:  # in summary_steps' order
            found.append([ladder_id, goal, step_id, title, current, fear, _day(since, tz),
                          flat, _window_of(window), step_id in ready,
                          list(astuple(rules[step_id])) if current else None])
    return found


_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_MICROSECOND = timedelta(microseconds=1)


def _micros(moment: datetime) -> int:
    """A moment as whole microseconds since 1970: exact in JSON, and ordered as moments are."""
    return (moment - _EPOCH) // _MICROSECOND


def _window_of(rows: list) -> list:
    """A stored fear window from fear_windows' rows of one step (oldest first)."""
    return [_micros(rows[-1].practiced_at) if rows else None, [row.fear_peak for row in rows]]


def _folded(entry: list | None, practised: list) -> list | None:
    """The entry's fear window with these new practices of its step folded in, or None when
    only reading the step's practices can say: the step is not listed, its window was stored
    before windows were, or a tried practice falls before the window's newest (logged late)."""
    if entry is None or not summary_steps.complete(entry):
        return None
    newest, peaks = entry[summary_steps.WINDOW]
    for practice in sorted(practised, key=lambda p: (p.practiced_at, p.id)):
        if practice.outcome not in TRIED_OUTCOMES:
            continue
        moment = _micros(practice.practiced_at)
        if newest is not None and moment < newest:
            return None
        newest, peaks = moment, [*peaks, practice.fear_peak][-flags.FEAR_WINDOW:]
    return [newest, peaks]


# ---- storing rows ------------------------------------------------------------------------------

def write(connection: Connection, child_id: int, parts: frozenset[str] = EVERY_PART) -> None:
    """Rebuild one child's summary row, or its `parts` (or drop it, if the child is gone)."""
    lock_child(connection, child_id)
    values = summary_of(connection, child_id, parts)
    if values is None:
        connection.execute(DROP, {"child_id": child_id})
    elif not connection.execute(UPDATE, {**_columns(values),
                                         "summary_child_id": child_id}).rowcount:
        if parts != EVERY_PART:
            values = summary_of(connection, child_id)
        connection.execute(_upsert(connection.dialect.name), values)


def lock_child(connection: Connection, child_id: int) -> None:
    """Concurrent writers for one child wait here, until the transaction ends, then read each
    other's committed rows (PostgreSQL; SQLite lets one writer in at a time anyway). Held by
    the summary's rebuild, and by anything else that replaces a child's one-of-a-kind row."""
    if connection.dialect.name == "postgresql":
        connection.execute(LOCK, {"child_id": child_id})


# What folding new practices into a row reads of it, and where a step stands.
STORED = (select(Family.timezone, SUMMARY.c.last_activity_at, SUMMARY.c.last_practice_day,
                 SUMMARY.c.practice_days, SUMMARY.c.steps, SUMMARY.c.streak_start_day,
                 SUMMARY.c.longest_streak, SUMMARY.c.stars, SUMMARY.c.small_wins)
          .select_from(SUMMARY).join(Child, Child.id == SUMMARY.c.child_id)
          .join(Family, Family.id == Child.family_id).where(SUMMARY.c.child_id == CHILD))
STEP_PLACE = (select(Step.status, Ladder.status.label("ladder_status"))
              .join(Ladder, Ladder.id == Step.ladder_id).where(Step.id == bindparam("step_id")))


def add_practices(connection: Connection, child_id: int, added: list) -> bool:
    """Fold newly logged practices (each with step_id and practiced_at) into the child's row.

    The common write, made cheap: the row's days, the practised steps' fear trends and the
    current steps' readiness are updated from the row itself (a listed step's stored fear
    window takes a practice logged after its newest), instead of rebuilt from the child's rows.
    Returns False, having written nothing, when only a rebuild can say: the child has no row
    yet, a step the row does not list turned flat (it goes in ladder order), or the row was
    stored before it kept readiness.
    """
    lock_child(connection, child_id)
    stored = connection.execute(STORED, {"child_id": child_id}).first()
    if stored is None:
        return False
    tz = stored.timezone
    days = {local_date(p.practiced_at, tz).toordinal() for p in added}
    history = _fold_history(stored, days - set(stored.practice_days), added, tz)
    if history is None:
        return False
    last_day = max(days | ({stored.last_practice_day} if stored.last_practice_day else set()))
    steps = [list(entry) for entry in stored.steps]
    listed = {entry[summary_steps.STEP]: entry for entry in steps}
    by_step = {step_id: [p for p in added if p.step_id == step_id]
               for step_id in sorted({p.step_id for p in added})}
    folded = {step_id: _folded(listed.get(step_id), mine) for step_id, mine in by_step.items()}
    windows = fear_windows(connection, [step_id for step_id, window in folded.items()
                                        if window is None])
    for step_id, window in folded.items():
        window = window or _window_of(windows.get(step_id, []))
        flat = flags.peaks_not_falling(window[1])
        entry = listed.get(step_id)
        if entry is not None:
            entry[summary_steps.FLAT:summary_steps.WINDOW + 1] = [flat, window]
            if not _ready_folded(connection, entry, by_step[step_id], tz):
                return False
            if not (flat or entry[summary_steps.CURRENT]):
                steps.remove(entry)
        elif flat and _listable(connection, step_id):
            return False
    latest = max(p.practiced_at for p in added)
    connection.execute(UPDATE, {
        "summary_child_id": child_id, "last_practice_day": last_day,
        "last_activity_at": max(filter(None, (stored.last_activity_at, latest))),
        PRACTICE_DAYS: kept_days(set(stored.practice_days) | days, last_day), STEPS: steps,
        **history})
    return True


def _ready_folded(connection: Connection, entry: list, practised: list, tz: str) -> bool:
    """Fold new practices into a current entry's readiness (whether its step meets its mastery
    rule): met stays met, and only a practice that counts can make it so (then the step's
    practices are read). False when only a rebuild can say: a row stored before readiness."""
    if not entry[summary_steps.CURRENT]:
        return True
    if not summary_steps.complete(entry):
        return False
    step_id, rule = entry[summary_steps.STEP], MasteryRule(*entry[summary_steps.RULE])
    if not entry[summary_steps.READY] and any(is_qualifying(practice_fact(p, tz), rule)
                                              for p in practised):
        entry[summary_steps.READY] = step_id in meeting_their_rules(connection, {step_id: rule},
                                                                     tz)
    return True


def _listable(connection: Connection, step_id: int) -> bool:
    """True when a flat step belongs in a row's steps: not mastered, on an active ladder."""
    place = connection.execute(STEP_PLACE, {"step_id": step_id}).first()
    return place is not None and place.status != "mastered" and place.ladder_status == "active"


# Its SET clause is the parameters given; the row's key goes in WHERE, under another name.
UPDATE = update(SUMMARY).where(SUMMARY.c.child_id == bindparam("summary_child_id"))
# A transaction-long advisory lock per child, not a lock on the summary row: a child's first
# write has no row yet to lock, and two first writers would each build the row without the
# other's change, the later one overwriting the earlier (ON CONFLICT DO UPDATE).
SUMMARY_LOCKS = 0x43534D  # the advisory lock space of child summaries: any fixed number
LOCK = select(func.pg_advisory_xact_lock(literal(SUMMARY_LOCKS, Integer),
                                         bindparam("child_id", type_=Integer)))
def _columns(values: dict) -> dict:
    return {name: value for name, value in values.items() if name != "child_id"}


DROP = delete(SUMMARY).where(SUMMARY.c.child_id == CHILD)


@cache
def _upsert(dialect_name: str):
    statement = insert_for(dialect_name, SUMMARY)
    return statement.on_conflict_do_update(
        index_elements=[SUMMARY.c.child_id],
        set_={c.name: statement.excluded[c.name] for c in SUMMARY.c if c.name != "child_id"})


def rebuild_all(connection: Connection) -> int:
    """Rebuild every child's row (the migration's backfill, and seeded data); return how many."""
    child_ids = list(connection.execute(select(Child.id).order_by(Child.id)).scalars())
    for child_id in child_ids:
        write(connection, child_id)
    return len(child_ids)
