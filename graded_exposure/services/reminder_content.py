"""What each kind of reminder says. Inbox and email text may name the child; push never does.

Everything a batch needs is loaded up front in a fixed number of queries (child names,
current steps, the day's practices for nudges), except weekly digests, which are built per
child from the weekly summary (a digest goes out once a week, so they are few).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from functools import cache

from sqlalchemy import Row, bindparam
from sqlmodel import Session, select

from ..models import Child, Ladder, Practice, Step
from ..rules.practice_rules import SMALL_WINS
from ..rules.text_cut import shortened
from ..rules.timezones import local_date
from . import weekly_summary
from .id_lists import among

MAX_TITLE, MAX_BODY = 120, 2000

# Push payloads pass through the browser vendor's push service and show on a lock screen, so
# they say only what kind of reminder it is: no child's name, no step, no therapist's words.
PUSH_TEXT = {
    "practice": ("Brave Steps", "Time for today's brave practice."),
    "missed_nudge": ("Brave Steps", "There is still time for a practice today."),
    "weekly_digest": ("Brave Steps", "Your weekly summary is ready."),
    "therapist": ("Brave Steps", "You have a new reminder from your therapist."),
    "booster": ("Brave Steps", "Time for a booster practice."),
    "rerate": ("Brave Steps", "A one-tap question about a recent practice."),
}


@dataclass(frozen=True)
class Content:
    title: str
    body: str
    link: str


@dataclass
class ContentSources:
    """What a batch of reminders needs to say something specific."""

    child_names: dict[int, str] = field(default_factory=dict)
    current_steps: dict[int, str] = field(default_factory=dict)
    practice_times: dict[int, list[datetime]] = field(default_factory=dict)
    digests: dict[tuple[int, date], Content] = field(default_factory=dict)


def push_text(kind: str) -> tuple[str, str]:
    """Return the (title, body) a push notification for this kind shows; never a name."""
    return PUSH_TEXT.get(kind, PUSH_TEXT["practice"])


def load_sources(session: Session, wanted: list[tuple[Row, date]]) -> ContentSources:
    """Load what the reminders about to go out (reminder, local date) need to be written."""
    sources = ContentSources()
    child_ids = {r.child_id for r, _ in wanted if r.child_id is not None}
    if not child_ids:
        return sources
    # Core statements on the connection: a batch of thousands skips the ORM's per-row work.
    connection = session.connection()
    dialect, ids = connection.dialect.name, {"child_ids": list(child_ids)}
    sources.child_names = dict(connection.execute(_names_statement(dialect), ids).all())
    steps = connection.execute(_steps_statement(dialect), ids)
    sources.current_steps = dict(steps.all())  # the newest ladder's current step wins
    sources.practice_times = _practice_times(session, [
        (r, d) for r, d in wanted if r.kind == "missed_nudge" and r.child_id is not None])
    for reminder, day in wanted:
        if reminder.kind == "weekly_digest" and reminder.child_id is not None:
            child = session.get(Child, reminder.child_id)
            if child is not None:  # deleted since the claim: its delivery is dropped anyway
                sources.digests[(reminder.child_id, day)] = _digest(session, child, day)
    return sources


# Built once per dialect, each batch's children bound as one parameter (services/id_lists.py).
@cache
def _names_statement(dialect: str):
    return select(Child.id, Child.display_name).where(among(Child.id, "child_ids", dialect))


@cache
def _steps_statement(dialect: str):
    return (select(Ladder.child_id, Step.title).join(Ladder, Step.ladder_id == Ladder.id)
            .where(among(Ladder.child_id, "child_ids", dialect), Ladder.status == "active",
                   Step.status == "current")
            .order_by(Ladder.id.desc()))


def _practice_times(session: Session, nudges: list[tuple[Row, date]]) -> dict[int, list]:
    if not nudges:
        return {}
    # Any local date lies within a day either side of the same UTC date.
    start = datetime.combine(min(d for _, d in nudges) - timedelta(days=1), time.min, UTC)
    end = datetime.combine(max(d for _, d in nudges) + timedelta(days=2), time.min, UTC)
    connection = session.connection()
    rows = connection.execute(_practice_times_statement(connection.dialect.name), {
        "child_ids": list({r.child_id for r, _ in nudges}), "start": start, "end": end})
    times = defaultdict(list)
    for child_id, practiced_at in rows:
        times[child_id].append(practiced_at)
    return dict(times)


@cache
def _practice_times_statement(dialect: str):
    return select(Practice.child_id, Practice.practiced_at).where(
        among(Practice.child_id, "child_ids", dialect),
        Practice.practiced_at >= bindparam("start", type_=Practice.practiced_at.type),
        Practice.practiced_at < bindparam("end", type_=Practice.practiced_at.type))


def practised_on(sources: ContentSources, child_id: int | None, day: date, tz: str) -> bool:
    """Return True when the child logged a practice on that local date."""
    return any(local_date(moment, tz) == day for moment in sources.practice_times.get(child_id, ()))


def digest_week(day: date) -> date:
    """Return a day in the week a digest sent on `day` sums up: this week at the weekend,
    else the week before (a Monday digest is about last week, not the one just begun)."""
    return day if day.isoweekday() >= 6 else day - timedelta(days=7)


def _digest(session: Session, child: Child, day: date) -> Content:
    summary = weekly_summary.for_week(session, child, digest_week(day))
    count = len(summary.practices)
    lines = [f"{count} practice{'' if count == 1 else 's'} on {summary.practice_days} "
             f"day{'' if summary.practice_days == 1 else 's'}." if count
             else "No practices were logged this week."]
    if summary.steps_mastered:
        lines.append("Mastered: " + "; ".join(s.title for s in summary.steps_mastered) + ".")
    if summary.small_wins:
        wins = ", ".join(f"{SMALL_WINS.get(w, w).lower()} ×{n}"
                         for w, n in summary.small_wins.most_common(5))
        lines.append(f"Small wins: {wins}.")
    lines.append(summary.trap_sentence)
    return Content(title=f"{child.display_name}'s week from {summary.start:%-d %b}",
                   body="\n".join(lines), link=f"/children/{child.id}/week?start={summary.start}")


def render(sources: ContentSources, reminder: Row, day: date) -> Content:
    """Write the inbox and email text of one occurrence of a reminder."""
    name = sources.child_names.get(reminder.child_id, "")
    child_path = f"/children/{reminder.child_id}" if name else "/"
    if reminder.kind == "weekly_digest":
        content = sources.digests.get((reminder.child_id, day)) or Content(
            title="Your weekly summary", body="Your weekly summary is ready.", link=child_path)
    elif reminder.kind == "therapist":
        content = Content(title=f"From your therapist{f' about {name}' if name else ''}",
                          body=reminder.message or "Your therapist sent a reminder.",
                          link=child_path)
    elif reminder.kind == "booster":
        content = _booster(name, reminder.message, reminder.child_id)
    elif reminder.kind == "rerate":
        content = Content(
            title=f"How likely does it feel now for {name}?" if name
            else "How likely does it feel now?",
            body="A few days ago a practice began with a prediction of what might happen. "
                 "How likely does it feel now? One tap shows you both what stuck.",
            link=f"{child_path}/rerate" if name else "/")
    elif reminder.kind == "missed_nudge":
        content = Content(
            title=f"Still time for {name}'s practice today" if name
            else "Still time for a practice today",
            body="Nothing is logged yet today. A short try counts, and so does logging one "
                 "you did but did not record.",
            link=f"{child_path}/practices/new" if name else "/")
    else:
        step = sources.current_steps.get(reminder.child_id)
        content = Content(
            title=f"Time for {name}'s brave practice" if name else "Time for brave practice",
            body=(f"Today's step: {step}. A few minutes is enough." if step
                  else "A few minutes of practice today keeps the ladder moving."),
            link=f"{child_path}/practices/new" if name else "/")
    if len(content.title) <= MAX_TITLE and len(content.body) <= MAX_BODY:
        return content
    return Content(title=shortened(content.title, MAX_TITLE),
                   body=shortened(content.body, MAX_BODY), link=content.link)


def _booster(name: str, goal: str, child_id: int | None) -> Content:
    """A booster practice weeks after a finished ladder; `goal` is the ladder's (its message)."""
    who = f"{name}'s" if name else "a"
    return Content(
        title=f"Time for {who} booster practice",
        body=(f"A booster for “{goal}”: one try of a step near the top keeps it strong. "
              if goal else "One try of a step near the top of a finished ladder keeps it "
                           "strong. ")
        + "Then a quick check: is the old avoidance creeping back?",
        link=f"/children/{child_id}/booster" if name else "/")



