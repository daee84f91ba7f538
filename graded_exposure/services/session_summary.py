""""Since last session": what happened for a child from the therapist's last session to today."""
from collections import Counter
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import (
    Child,
    ExpectancyRerating,
    Ladder,
    Practice,
    Step,
    TherapistLink,
    User,
    UTCDateTime,
    utcnow,
)
from ..rules import avoidance_trap
from ..rules.attention import Reason
from ..rules.expectancy import ExpectancyTrend
from ..rules.flags import Flag
from ..rules.session_record import day_problem
from ..rules.timezones import local_date, local_midnight, newest_date
from . import insights, plan_glance, two_voices, what_clicks
from .caseload import active_link, row_for_child
from .expectancy import trends_by_step
from .practices import SOMEONE, PracticeRow
from .therapist_notes import NoteRow, family_feed

DEFAULT_DAYS = 14  # when no last session date is set yet
# The longest period a summary covers. Sessions are weeks apart; a last session date left as it
# was for months had the summary read and list every practice since (up to two years' worth).
LONGEST_DAYS = 84


@dataclass
class FearChange:
    """One step's peak fear at its first and latest practice in the period."""

    ladder_goal: str
    step_title: str
    practices: int
    first_peak: int
    latest_peak: int

    @property
    def change(self) -> int:
        return self.latest_peak - self.first_peak


@dataclass
class ExpectancyChange:
    """One step's predictions in the period: how likely the feared outcome felt, surprises."""

    ladder_goal: str
    step_title: str
    trend: ExpectancyTrend


@dataclass
class SessionSummary:
    child: Child
    link: TherapistLink
    since: date
    today: date
    since_was_set: bool
    practices: list[PracticeRow]  # oldest first
    practice_days: int
    fear_changes: list[FearChange]
    steps_mastered: list[tuple[str, str, date]]  # ladder goal, step title, local day
    calm: avoidance_trap.CalmSplit
    avoided: Counter
    accommodations: Counter
    small_wins: Counter
    flags: list[Flag]
    reasons: list[Reason]  # why the caseload marks the child "Needs attention" (rules.attention)
    open_homework: list[NoteRow]
    what_clicks: what_clicks.ChildWhatClicks
    plan: plan_glance.PlanGlance | None = None  # the parent-led plan (SPACE), if open
    expectancy: list[ExpectancyChange] | None = None  # steps with predictions, first seen first
    voices: two_voices.VoicesView | None = None  # the period's tries rated by both

    @property
    def days(self) -> int:
        """Days in the period, both ends included."""
        return (self.today - self.since).days + 1

    @property
    def shortened(self) -> bool:
        """True when the last session was longer ago than the period covers (LONGEST_DAYS)."""
        last = self.link.last_session_on
        return last is not None and last < self.since


def set_last_session(session: Session, therapist: User, child: Child, day: date | None,
                     now: datetime | None = None) -> TherapistLink:
    """Record the date of the therapist's last session with this child."""
    if problem := day_problem(day, newest_date(now or utcnow()), "the last session"):
        raise DomainError(problem)
    link = active_link(session, therapist, child)
    link.last_session_on = day
    session.commit()
    return link


def move_last_session_forward(link: TherapistLink, day: date) -> None:
    """A session recorded on `day` becomes the last session unless a later one is known (the
    caller commits)."""
    if link.last_session_on is None or day > link.last_session_on:
        link.last_session_on = day


_BEGIN = bindparam("begin", type_=UTCDateTime)
# The period's practices as the summary lists them (plain columns: entities cost several times
# as much), each with its step's title, its ladder's goal and who logged it; oldest first.
_PRACTICES_SINCE = (
    select(Practice.id, Practice.step_id, Practice.practiced_at, Practice.fear_before,
           Practice.fear_peak, Practice.fear_after, Practice.outcome, Practice.note,
           Practice.small_wins, Step.title.label("step_title"), Ladder.goal.label("ladder_goal"),
           User.display_name.label("logged_by"), Practice.expected_likelihood,
           Practice.prediction_came_true, Practice.outcome_badness,
           ExpectancyRerating.likelihood.label("rerated"), Practice.child_fear_before,
           Practice.child_fear_after, Practice.caregiver_rated)
    .join(Step, Step.id == Practice.step_id).join(Ladder, Ladder.id == Step.ladder_id)
    .outerjoin(User, User.id == Practice.logged_by_id)
    .outerjoin(ExpectancyRerating, ExpectancyRerating.practice_id == Practice.id)
    .where(Practice.child_id == bindparam("child_id"), Practice.practiced_at >= _BEGIN)
    .order_by(Practice.practiced_at, Practice.id))
_MASTERED_SINCE = (select(Ladder.goal, Step.title, Step.mastered_at).join(Ladder)
                   .where(Ladder.child_id == bindparam("child_id"),
                          Step.mastered_at >= _BEGIN)
                   .order_by(Step.mastered_at))


def for_child(session: Session, child: Child, link: TherapistLink,
              now: datetime | None = None) -> SessionSummary:
    """Summarise the child's practice, fear, mastery and avoidance since the last session
    (`link`: the therapist's active link to the child, access.child_and_link_for)."""
    tz = child.family.timezone
    now = now or utcnow()
    today = local_date(now, tz)
    since = max(link.last_session_on or today - timedelta(days=DEFAULT_DAYS),
                today - timedelta(days=LONGEST_DAYS - 1))
    begin = local_midnight(since, tz)
    connection, params = session.connection(), {"child_id": child.id, "begin": begin}
    practices = connection.execute(_PRACTICES_SINCE, params).all()
    mastered = connection.execute(_MASTERED_SINCE, params)
    checkins = insights.load_checkin_facts(session, child, since)
    zone = ZoneInfo(tz)
    mark = row_for_child(session, link.therapist_id, child, now)
    rows = [PracticeRow(practice=p, local_time=p.practiced_at.astimezone(zone),
                        logged_by=p.logged_by or SOMEONE, step_title=p.step_title)
            for p in practices]
    return SessionSummary(
        child=child, link=link, since=since, today=today,
        since_was_set=link.last_session_on is not None,
        practices=rows, voices=two_voices.voices_of(rows),
        practice_days=len({local_date(p.practiced_at, tz) for p in practices}),
        fear_changes=fear_changes(practices),
        expectancy=expectancy_changes(practices),
        steps_mastered=[(goal, title, local_date(when, tz)) for goal, title, when in mastered],
        calm=avoidance_trap.calm_days_split(checkins, since, today),
        avoided=Counter(kind for c in checkins for kind in c.avoided),
        accommodations=Counter(kind for c in checkins for kind in c.accommodations),
        small_wins=Counter(w for p in practices for w in p.small_wins),
        flags=mark.flags if mark else [], reasons=mark.reasons if mark else [],
        open_homework=[row for row in family_feed(session, child)
                       if row.note.kind == "homework"],
        what_clicks=what_clicks.for_child(session, child),
        plan=plan_glance.glance(session, child, since, today))


def fear_changes(practices: list) -> list[FearChange]:
    """Per step practised (rows of _PRACTICES_SINCE, oldest first): the first and the latest
    peak fear."""
    by_step: dict[int, list] = {}
    for practice in practices:
        by_step.setdefault(practice.step_id, []).append(practice)
    return [FearChange(ladder_goal=rows[0].ladder_goal, step_title=rows[0].step_title,
                       practices=len(rows), first_peak=rows[0].fear_peak,
                       latest_peak=rows[-1].fear_peak)
            for rows in by_step.values()]


def expectancy_changes(practices) -> list[ExpectancyChange]:
    """Each step's predictions among the period's practices (oldest first), steps in the order
    their first prediction came."""
    names = {p.step_id: (p.ladder_goal, p.step_title) for p in practices}
    return [ExpectancyChange(*names[step_id], trend)
            for step_id, trend in trends_by_step(practices).items()]
