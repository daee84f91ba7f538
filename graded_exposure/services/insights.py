"""Insights for one child: the avoidance trap, weekly avoidance, flags, streaks and stars.

Loads rows in a fixed number of queries, turns them into local-day facts, and hands them to
the pure rules in graded_exposure/rules/.
"""
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from sqlalchemy import String, bindparam, case, cast, func
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from ..models import (
    Avoidance,
    Child,
    ChildSummary,
    DayCheckIn,
    Ladder,
    Practice,
    Step,
    utcnow,
)
from ..rules import attention, avoidance_trap, flags, hopelessness, streaks, trap_story
from ..rules.facts import AvoidanceFact, CheckInFact, PracticeFact
from ..rules.timezones import local_date
from . import summary_steps
from .ladder_lines import LadderLine, active_ladders
from .step_windows import from_nth_newest, tried
from .utc_days import local_days_of, utc_date

HISTORY_WEEKS = 8
# Check-ins the flags read: avoidance rising compares the last 7 days with the 7 before.
FLAG_DAYS = 14


@dataclass
class ChildInsights:
    today: date
    trap: avoidance_trap.CalmSplit
    trap_sentence: str
    story: trap_story.TrapStory | None  # the trap in the family's words, when it is active
    weeks: list[avoidance_trap.WeekOfAvoidance]
    accommodation_trend: str | None  # None: too early to tell
    flags: list[flags.Flag]
    current_streak: int
    longest_streak: int
    practice_days_last_7: int
    practice_days_last_28: int
    small_wins: Counter
    stars: int
    # The therapist's flag (never shown on the family's pages), from the same stored facts.
    hopelessness: flags.Flag | None = None


def practice_fact(practice: Practice, tz: str) -> PracticeFact:
    """Turn a stored practice, or a row of its columns, into a fact dated on the family's local
    calendar; with its context where the statement selected it (progress.py does)."""
    context = {}
    # Asked by name, a column a row lacks raises on the way to a default: its fields say.
    if isinstance(practice, Practice) or "context_where" in practice._fields:
        context = {"place": practice.context_where or "",
                   "with_whom": practice.context_with or "",
                   "safety_used": tuple(practice.safety_used or ())}
    return PracticeFact(day=local_date(practice.practiced_at, tz), step_id=practice.step_id,
                        fear_before=practice.fear_before, fear_peak=practice.fear_peak,
                        fear_after=practice.fear_after, outcome=practice.outcome, **context)


# The statements the home screen and the insights run on every visit are built once: building a
# statement costs SQLAlchemy more than SQLite takes to run it.
_CHECKINS_SINCE = (
    select(DayCheckIn.id, DayCheckIn.day, DayCheckIn.child_distress, Avoidance.kind,
           Avoidance.accommodations, Avoidance.description)
    .outerjoin(Avoidance, Avoidance.checkin_id == DayCheckIn.id)
    .where(DayCheckIn.child_id == bindparam("child_id"), DayCheckIn.day >= bindparam("since"))
    .order_by(DayCheckIn.day, DayCheckIn.id, Avoidance.id))
# The same, for a window of days that ends (a past week read without the weeks after it).
_CHECKINS_BETWEEN = _CHECKINS_SINCE.where(DayCheckIn.day <= bindparam("until"))
# A step's last FEAR_WINDOW tried practices, from the FEAR_WINDOW-th newest on (step_windows):
# the cost of a step's window does not grow with its history. Moments tied with that one can
# bring a row or two more; fear_windows keeps the newest FEAR_WINDOW.
_FEAR_WINDOWS = (
    select(Practice.step_id, Practice.practiced_at, Practice.fear_before, Practice.fear_peak,
           Practice.fear_after, Practice.outcome)
    .select_from(Step)
    .join(Practice, from_nth_newest(flags.FEAR_WINDOW - 1, tried_only=True))
    .where(Step.id.in_(bindparam("step_ids", expanding=True)), tried(Practice.outcome))
    .order_by(Practice.practiced_at, Practice.id))
PRACTICE_DATES = (select(func.min(Practice.practiced_at), func.max(Practice.practiced_at))
                  .where(Practice.child_id == bindparam("child_id"))
                  .group_by(utc_date(Practice.practiced_at)))
_WIN_SETS = cast(Practice.small_wins, String)
# A practice's stars, rules.streaks.stars_for said in SQL (1 for a try, one more when the
# highest fear faced, before or at the peak, reached 4, one more from 7); test_insights_stars
# holds the two equal for every outcome and every before, peak and after.
_FACED = case((Practice.fear_peak > Practice.fear_before, Practice.fear_peak),
              else_=Practice.fear_before)
STARS = case((tried(Practice.outcome),
              1 + case((_FACED >= streaks.BRAVER_FROM, 1), else_=0)
              + case((_FACED >= streaks.BRAVEST_FROM, 1), else_=0)), else_=0)
# Small wins and stars in one pass: per distinct set of wins, its practices and their stars.
WINS_AND_STARS = (select(_WIN_SETS, func.count(), func.sum(STARS))
                  .where(Practice.child_id == bindparam("child_id")).group_by(_WIN_SETS))
_STORED_FACTS = select(ChildSummary.last_practice_day, ChildSummary.ladder_since_day,
                       ChildSummary.avoidances, ChildSummary.steps,
                       ChildSummary.first_checkin_day, ChildSummary.hopeless_sessions,
                       ChildSummary.hopeless_words_day, ChildSummary.practice_days,
                       ChildSummary.streak_start_day, ChildSummary.longest_streak,
                       ChildSummary.stars, ChildSummary.small_wins).where(
    ChildSummary.child_id == bindparam("child_id"))


def _rows(session: Session, statement, **params):
    return session.connection().execute(statement, params)


def load_checkin_facts(session: Session, child: Child, since: date,
                       until: date | None = None) -> list[CheckInFact]:
    """Return the child's check-ins from `since` on (to `until` included, when given) as facts
    (one statement, plain columns)."""
    rows = (_rows(session, _CHECKINS_SINCE, child_id=child.id, since=since) if until is None
            else _rows(session, _CHECKINS_BETWEEN, child_id=child.id, since=since, until=until))
    parts: dict[int, tuple] = {}
    for checkin_id, day, distress, kind, accommodations, note in rows:
        *_, details = parts.setdefault(checkin_id, (day, distress, []))
        if kind is not None:
            details.append(AvoidanceFact(kind, note, tuple(accommodations)))
    return [CheckInFact(day, distress, tuple(a.kind for a in details),
                        tuple(way for a in details for way in a.accommodations), tuple(details))
            for day, distress, details in parts.values()]


def fear_windows(connection: Connection, step_ids: list[int]) -> dict[int, list]:
    """The last FEAR_WINDOW tried practices of each of these steps, oldest first, in one
    statement however long the history."""
    found: dict[int, list] = defaultdict(list)
    if step_ids:
        for row in connection.execute(_FEAR_WINDOWS, {"step_ids": list(step_ids)}):
            found[row.step_id].append(row)
        for rows in found.values():
            del rows[:-flags.FEAR_WINDOW]
    return found


@dataclass
class Outlook:
    """What the home screen shows of the insights: the trap and the flags (and, from the same
    stored row, which current steps are ready)."""

    today: date
    trap: avoidance_trap.CalmSplit
    trap_sentence: str
    story: trap_story.TrapStory | None
    flags: list[flags.Flag]
    hopeless_words_day: date | None  # the latest check-in noting hopeless words (summary)
    # The current steps that meet their mastery rule, as the summary keeps them (None before
    # the child has a summary row).
    ready_step_ids: set[int] | None = None


def outlook(session: Session, child: Child, ladders: list[LadderLine],
            today: date | None = None) -> Outlook:
    """The trap of the last week, told with a next step from the child's active `ladders`, and
    the flags, in two statements whatever the history."""
    tz = child.family.timezone
    today = today or local_date(utcnow(), tz)
    checkins = load_checkin_facts(session, child, today - timedelta(days=FLAG_DAYS))
    trap = avoidance_trap.calm_days_bought_by_avoidance(checkins, today)
    stored = _stored_facts(session, child)
    return Outlook(today=today, trap=trap, trap_sentence=avoidance_trap.trap_sentence(trap),
                   story=_story(checkins, ladders, child, today),
                   flags=_flags_from(stored, today),
                   hopeless_words_day=date.fromordinal(stored.hopeless_words_day)
                   if stored and stored.hopeless_words_day else None,
                   ready_step_ids=summary_steps.ready_step_ids(stored.steps) if stored else None)


def _story(checkins: list[CheckInFact], ladders: list[LadderLine], child: Child,
           today: date) -> trap_story.TrapStory | None:
    options = [trap_story.LadderOption(ladder.area, ladder.id, ladder.goal, step.id, step.title)
               for ladder in ladders for step in ladder.steps if step.status == "current"]
    return trap_story.trap_story(checkins, options, child.display_name, today)


def for_child(session: Session, child: Child, today: date | None = None, *,
              story: bool = False) -> ChildInsights:
    """Compute every insight for the child, as of today in the family's time zone; with
    `story`, also the active trap told in the family's words (one more statement).

    Reads plain columns, never whole practices, and nothing that grows with the history: the
    check-ins of the last weeks, and from the child's stored summary the flags, the recent
    practice days, the streaks, the stars and the small wins.
    """
    tz = child.family.timezone
    today = today or local_date(utcnow(), tz)
    since = avoidance_trap.week_start(today) - timedelta(weeks=HISTORY_WEEKS)
    checkins = load_checkin_facts(session, child, since)
    trap = avoidance_trap.calm_days_bought_by_avoidance(checkins, today)
    stored = _stored_facts(session, child)
    first = date.fromordinal(stored.first_checkin_day) if stored and stored.first_checkin_day \
        else None
    weeks = avoidance_trap.weeks_since(
        avoidance_trap.weekly_avoidance(checkins, today, HISTORY_WEEKS), first)
    told = _story(checkins, active_ladders(session.connection(), child.id), child, today) \
        if story and trap.bought else None
    return ChildInsights(
        today=today, trap=trap, trap_sentence=avoidance_trap.trap_sentence(trap), story=told,
        weeks=weeks, accommodation_trend=avoidance_trap.accommodation_trend(weeks),
        flags=_flags_from(stored, today),
        hopelessness=next(iter(stored_hopelessness(stored.hopeless_sessions,
                                                   stored.hopeless_words_day, today)), None)
        if stored else None,
        **_history(stored, today))


def practice_days(session: Session, child: Child) -> set[date]:
    """Every local day the child practised on, read as one row per UTC date (utc_days.py)."""
    tz = child.family.timezone
    return {day for first, last in _rows(session, PRACTICE_DATES, child_id=child.id)
            for day in local_days_of(first, last, tz)}


def _history(stored, today: date) -> dict:
    """Streaks, recent practice days, stars and small wins from the stored summary: the days it
    keeps reach back further than any window here, and it keeps the rest for the whole history
    (services/child_summary.py; test_insights_history holds both equal to a recount)."""
    if stored is None or stored.last_practice_day is None:
        return {"current_streak": 0, "longest_streak": 0, "practice_days_last_7": 0,
                "practice_days_last_28": 0, "stars": 0, "small_wins": Counter()}
    days = [date.fromordinal(day) for day in stored.practice_days]
    last = date.fromordinal(stored.last_practice_day)
    if last > today:  # a practice dated ahead of the family's today: count back from today
        current = streaks.current_streak(set(days), today)
    else:
        current = (last - date.fromordinal(stored.streak_start_day)).days + 1 \
            if (today - last).days <= 1 else 0
    return {
        "current_streak": current,
        "longest_streak": stored.longest_streak,
        "practice_days_last_7": attention.practice_days_within(days, today, attention.WEEK),
        "practice_days_last_28": attention.practice_days_within(days, today,
                                                                attention.FOUR_WEEKS),
        "stars": stored.stars, "small_wins": Counter(dict(sorted(stored.small_wins.items())))}


def summary_flags(session: Session, child: Child, today: date) -> list[flags.Flag]:
    """Every flag, from the facts the child's summary keeps (models.ChildSummary): one
    statement, however long the history. flags_for computes the same from the rows."""
    return _flags_from(_stored_facts(session, child), today)


def _stored_facts(session: Session, child: Child):
    return _rows(session, _STORED_FACTS, child_id=child.id).first()


def _flags_from(stored, today: date) -> list[flags.Flag]:
    """The flags of a row of _STORED_FACTS (none without a summary yet)."""
    if stored is None:
        return []
    return stored_flags(stored.last_practice_day, stored.ladder_since_day, stored.avoidances,
                        stored.steps, stored.first_checkin_day, today)


def stored_flags(last_practice_day: int | None, ladder_since_day: int | None, avoidances,
                 steps, first_checkin_day: int | None, today: date) -> list[flags.Flag]:
    """The flags of flags_for, from a child's stored summary facts (child_summary.py)."""
    found = []
    if ladder_since_day is not None:
        days = {date.fromordinal(last_practice_day)} if last_practice_day else set()
        found.append(flags.no_practice_flag(days, date.fromordinal(ladder_since_day), today))
    for entry in steps or ():
        title = entry[summary_steps.TITLE]
        if entry[summary_steps.CURRENT]:
            since = entry[summary_steps.SINCE]
            found.append(flags.stuck_easy_flag(title, entry[summary_steps.FEAR],
                                               date.fromordinal(since) if since else None, today))
        if entry[summary_steps.FLAT]:
            found.append(flags.fear_not_falling(title))
    checkins = [CheckInFact(date.fromordinal(day), distress, tuple(kinds))
                for day, distress, kinds in avoidances or ()]
    first = date.fromordinal(first_checkin_day) if first_checkin_day else None
    found.append(flags.avoidance_rising_flag(checkins, today, first))
    return [f for f in found if f is not None]


def stored_hopelessness(hopeless_sessions: int | None, words_day: int | None,
                        today: date) -> list[flags.Flag]:
    """The hopelessness flag (for the therapist only) from a child's stored summary facts."""
    found = hopelessness.flag_from_facts(
        hopeless_sessions or 0, date.fromordinal(words_day) if words_day else None, today)
    return [found] if found else []


def flags_for(ladders: list[Ladder], windows: dict[int, list], checkins: list[CheckInFact],
              today: date, tz: str, last_day: date | None,
              first_checkin: date | None) -> list[flags.Flag]:
    """Every flag from the active ladders with their steps, each open step's fear window
    (fear_windows), the recent check-ins, the latest practice day and the first check-in."""
    found = []
    if ladders:
        since = min(local_date(ladder.created_at, tz) for ladder in ladders)
        found.append(flags.no_practice_flag({last_day} if last_day else set(), since, today))
    for ladder in ladders:
        for step in ladder.steps:
            if step.status == "current":
                since = local_date(step.current_since, tz) if step.current_since else None
                found.append(flags.stuck_easy_flag(step.title, step.predicted_fear, since, today))
            if step.status != "mastered":
                facts = [practice_fact(row, tz) for row in windows.get(step.id, [])]
                found.append(flags.fear_not_falling_flag(step.title, facts))
    found.append(flags.avoidance_rising_flag(checkins, today, first_checkin))
    return [f for f in found if f is not None]
