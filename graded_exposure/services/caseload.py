"""A therapist's caseload: every linked child with last activity, adherence, current steps, flags.

Read in one indexed query from the per-child summaries that every write keeps current
(services/child_summary.py); the pure rules (flags, attention) decide at read time what those
facts mean today, and sort those needing attention first. recompute_rows keeps the full
computation from every child's rows, as the summaries' oracle.
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta

from sqlalchemy import bindparam, func
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import (
    ACTIVE_LINK,
    Avoidance,
    Child,
    ChildSummary,
    DayCheckIn,
    Family,
    Ladder,
    Practice,
    TherapistLink,
    TherapistNote,
    TherapySession,
    User,
    utcnow,
)
from ..rules import attention, flags, hopelessness
from ..rules.caseload_query import DEFAULT, CaseloadQuery, select_rows
from ..rules.facts import CheckInFact
from ..rules.flags import Flag
from ..rules.timezones import local_date
from . import audit, insights, summary_steps
from .pagination import Page

TARGET_MIN, TARGET_MAX = 1, 7
PER_PAGE = 50


@dataclass(frozen=True)
class CaseloadChild:
    """What the caseload shows of a child: read live, so a rename shows at once."""

    id: int
    display_name: str
    avatar: str


@dataclass(frozen=True)
class CurrentStep:
    ladder_id: int
    ladder_goal: str
    step_id: int
    step_title: str


@dataclass
class CaseloadRow:
    """One linked child as the caseload shows it."""

    child: CaseloadChild
    target: int  # the link's practice target, days a week
    tz: str  # the family's time zone
    today: date
    last_activity: datetime | None
    days_last_7: int
    days_last_28: int
    current_steps: list[CurrentStep] = field(default_factory=list)
    flags: list[Flag] = field(default_factory=list)
    open_homework: int = 0
    avoided_last_7: int = 0  # avoidances recorded at check-ins in the last 7 days
    # A current step has its FEAR_WINDOW tries: enough for the fear trend to say anything.
    fear_judged: bool = False
    days_linked: int = attention.WEEK  # since the family consented (behind target waits a week)

    @property
    def flat_steps(self) -> int:
        """How many open steps' fear is not falling over their last five practices."""
        return sum(flag.kind == "fear_not_falling" for flag in self.flags)

    @property
    def behind(self) -> bool:
        return attention.is_behind_target(self.days_last_7, self.target, self.days_linked)

    @property
    def reasons(self) -> list[attention.Reason]:
        return attention.attention_reasons(self.flags, self.days_last_7, self.target,
                                           self.days_linked)

    @property
    def needs_attention(self) -> bool:
        return bool(self.reasons)

    @property
    def attention_key(self) -> tuple:
        return attention.attention_key(
            len(self.flags), self.days_last_7, self.target, self.child.display_name,
            first_kind_raised=any(f.kind in attention.FIRST_KINDS for f in self.flags),
            days_linked=self.days_linked)


@dataclass(frozen=True)
class Caseload:
    """One page of the caseload (or every matching row), how many children it holds, how many
    need attention, and how many match the query."""

    page: Page
    total: int
    waiting: int
    per_page: int = PER_PAGE
    matching: int | None = None
    query: CaseloadQuery = DEFAULT
    # Paging by number walks an order that moves while families log: the pages' links carry
    # the newest activity the walk started from (`seen_up_to`, µs since 1970), and `moved` is
    # every matching child with activity after it, whose place may have changed since.
    seen_up_to: int = 0
    moved: tuple["CaseloadRow", ...] = ()

    def __post_init__(self):
        if self.matching is None:
            object.__setattr__(self, "matching", self.total)

    @property
    def rows(self) -> list[CaseloadRow]:
        return self.page.rows

    @property
    def pages(self) -> int:
        return _page_count(self.matching, self.per_page)

    @property
    def page_numbers(self) -> list[int | None]:
        return page_numbers(self.page.page, self.pages)

    def seen_for(self, page: int) -> int | None:
        """The walk's start for a link to `page`: none to the first, which starts a new walk."""
        return self.seen_up_to if page > 1 else None


def _page_count(total: int, per_page: int) -> int:
    return max(1, -(-total // per_page))


def page_numbers(page: int, pages: int, near: int = 2) -> list[int | None]:
    """The pages a pager offers by number: the first, the last, and those within `near` of
    this one; None where pages are left out between them."""
    shown = sorted({1, pages, *range(max(1, page - near), min(pages, page + near) + 1)})
    numbers: list[int | None] = []
    for number in shown:
        if numbers and number - numbers[-1] > 1:
            numbers.append(None)
        numbers.append(number)
    return numbers


def page_for_therapist(session: Session, therapist: User, page: int = 1,
                       now: datetime | None = None, per_page: int = PER_PAGE,
                       query: CaseloadQuery = DEFAULT, everything: bool = False,
                       seen_up_to: int | None = None) -> Caseload:
    """Return one page of the rows matching the query, in its order (page clamped to
    1..last), or with `everything` every matching row on one page (for printing).
    `seen_up_to` is where the walk through the pages started (Caseload.seen_up_to); None
    starts one here.

    Search, filter and order need every child's flags, so every row is evaluated; that is
    cheap from the stored summaries (one query), and only the page's rows are shown.
    """
    rows = _stored_rows(session, therapist.id, now)
    found = select_rows(rows, query)
    if everything:
        per_page = max(len(found), 1)
    last = _page_count(len(found), per_page)
    page = min(max(page, 1), last)
    shown = found[(page - 1) * per_page:page * per_page]
    if seen_up_to is None:
        seen_up_to, moved = max(map(_micros, rows), default=0), ()
    else:
        moved = tuple(row for row in found if _micros(row) > seen_up_to)
    return Caseload(Page(shown, page, page < last), total=len(rows),
                    waiting=sum(row.needs_attention for row in rows), per_page=per_page,
                    matching=len(found), query=query, seen_up_to=seen_up_to, moved=moved)


_EPOCH, _MICROSECOND = datetime(1970, 1, 1, tzinfo=UTC), timedelta(microseconds=1)


def _micros(row: "CaseloadRow") -> int:
    """The row's last activity in whole µs since 1970 (exact, unlike a float); 0 for none."""
    return 0 if row.last_activity is None else (row.last_activity - _EPOCH) // _MICROSECOND


# ---- the read path: one indexed query over the stored summaries -----------------------------

def for_therapist(session: Session, therapist: User,
                  now: datetime | None = None) -> list[CaseloadRow]:
    """Return the therapist's linked children, those needing attention first.

    One query (active links, child, family, summary); the rules decide what today makes of it.
    """
    rows = _stored_rows(session, therapist.id, now)
    return sorted(rows, key=lambda r: r.attention_key)


def row_for_child(session: Session, therapist_id: int, child: Child,
                  now: datetime | None = None) -> CaseloadRow | None:
    """The caseload's row of one linked child (None when not linked): what the
    since-last-session summary shows beside the caseload, from the same facts and rules."""
    rows = _stored_rows(session, therapist_id, now, Child.id == child.id)
    return rows[0] if rows else None


def _stored_rows(session: Session, therapist_id: int, now: datetime | None,
                 *where) -> list[CaseloadRow]:
    now = now or utcnow()
    summary = ChildSummary
    # Core, not ORM rows: the same statement, without the ORM's per-row loading work.
    found = session.connection().execute(
        select(Child.id, Child.display_name, Child.avatar, Family.timezone,
               TherapistLink.practice_target_days, summary.last_activity_at,
               summary.last_practice_day, summary.ladder_since_day, summary.practice_days,
               summary.avoidances, summary.steps, summary.first_checkin_day,
               summary.open_homework, summary.hopeless_sessions, summary.hopeless_words_day,
               TherapistLink.consented_at)
        .select_from(TherapistLink)
        .join(Child, Child.id == TherapistLink.child_id).join(Family, Family.id == Child.family_id)
        .outerjoin(summary, summary.child_id == Child.id)
        .where(TherapistLink.therapist_id == therapist_id,
               ACTIVE_LINK, *where)
        .order_by(Child.id, TherapistLink.id)).all()
    todays: dict[str, date] = {}
    return [_stored_row(row, now, todays) for row in {row[0]: row for row in found}.values()]


def _stored_row(row, now: datetime, todays: dict[str, date]) -> CaseloadRow:
    (child_id, name, avatar, tz, target, last_activity, last_practice_day, ladder_since_day,
     practice_days, avoidances, steps, first_checkin_day, homework, hopeless_sessions,
     hopeless_words_day, consented_at) = row
    today = todays.get(tz) or todays.setdefault(tz, local_date(now, tz))
    days = [date.fromordinal(day) for day in practice_days or ()]
    return CaseloadRow(
        child=CaseloadChild(child_id, name, avatar), target=target, tz=tz, today=today,
        last_activity=last_activity,
        days_last_7=attention.practice_days_within(days, today, attention.WEEK),
        days_last_28=attention.practice_days_within(days, today, attention.FOUR_WEEKS),
        current_steps=[CurrentStep(*s[summary_steps.LADDER:summary_steps.TITLE + 1])
                       for s in steps or () if s[summary_steps.CURRENT]],
        flags=[*insights.stored_hopelessness(hopeless_sessions, hopeless_words_day, today),
               *insights.stored_flags(last_practice_day, ladder_since_day, avoidances, steps,
                                      first_checkin_day, today)],
        open_homework=homework or 0,
        avoided_last_7=sum(len(kinds) for day, _distress, kinds in avoidances or ()
                           if 0 <= today.toordinal() - day < attention.WEEK),
        fear_judged=any(s[summary_steps.CURRENT] and summary_steps.complete(s)
                        and len(s[summary_steps.WINDOW][1]) >= flags.FEAR_WINDOW
                        for s in steps or ()),
        days_linked=attention.days_linked(consented_at, tz, today))


# ---- the full computation: the summaries' oracle in tests -----------------------------------

def _linked_child_ids(therapist: User):
    """A subquery of the children this therapist is actively linked to."""
    return select(TherapistLink.child_id).where(TherapistLink.therapist_id == therapist.id,
                                                ACTIVE_LINK)


def recompute_rows(session: Session, therapist: User,
                   now: datetime | None = None) -> list[CaseloadRow]:
    """The caseload computed from every linked child's rows, without the stored summaries.

    What for_therapist must always equal (tests/services/test_caseload_summary.py proves it
    over random writes); about 12 statements and thousands of objects for a large caseload.
    """
    now = now or utcnow()
    linked = _linked_child_ids(therapist)
    rows = session.exec(
        select(TherapistLink, Child, Family)
        .join(Child, Child.id == TherapistLink.child_id).join(Family, Family.id == Child.family_id)
        .where(TherapistLink.therapist_id == therapist.id,
               ACTIVE_LINK)
        .order_by(Child.id, TherapistLink.id)).all()
    if not rows:
        return []
    ladders = _active_ladders(session, linked)
    recent = _recent_practices(session, linked, now - timedelta(days=attention.FOUR_WEEKS + 1))
    last_practice = _latest(session, Practice.child_id, Practice.practiced_at, linked)
    last_checkin = _latest(session, DayCheckIn.child_id, DayCheckIn.updated_at, linked)
    first_checkin = _latest(session, DayCheckIn.child_id, DayCheckIn.day, linked, func.min)
    windows = insights.fear_windows(session.connection(), [
        step.id for child_ladders in ladders.values() for ladder in child_ladders
        for step in ladder.steps if step.status != "mastered"])
    checkins = _recent_checkins(session, linked, now.date() - timedelta(days=15))
    homework = _open_homework(session, linked)
    sessions = _session_marks(session, linked)
    words = _latest(session, DayCheckIn.child_id, DayCheckIn.day, linked,
                    where=DayCheckIn.hopeless_words)
    caseload = []
    for link, child, family in {row[1].id: row for row in rows}.values():
        tz = family.timezone
        today = local_date(now, tz)
        days = [local_date(moment, tz) for moment in recent[child.id]]
        last = last_practice.get(child.id)
        found = insights.flags_for(ladders[child.id], windows, checkins[child.id], today, tz,
                                   local_date(last, tz) if last else None,
                                   first_checkin.get(child.id))
        hopeless = hopelessness.hopelessness_flag(sessions[child.id],
                                                  [words[child.id]] if child.id in words else [],
                                                  today)
        moments = [m for m in (last_practice.get(child.id), last_checkin.get(child.id)) if m]
        caseload.append(CaseloadRow(
            child=CaseloadChild(child.id, child.display_name, child.avatar),
            target=link.practice_target_days, tz=tz, today=today,
            last_activity=max(moments, default=None),
            days_last_7=attention.practice_days_within(days, today, attention.WEEK),
            days_last_28=attention.practice_days_within(days, today, attention.FOUR_WEEKS),
            current_steps=[CurrentStep(ladder.id, ladder.goal, step.id, step.title)
                           for ladder in ladders[child.id]
                           for step in ladder.steps if step.status == "current"],
            flags=[hopeless, *found] if hopeless else found,
            open_homework=homework.get(child.id, 0),
            avoided_last_7=sum(len(c.avoided) for c in checkins[child.id]
                               if 0 <= (today - c.day).days < attention.WEEK),
            fear_judged=any(len(windows.get(step.id, ())) >= flags.FEAR_WINDOW
                            for ladder in ladders[child.id] for step in ladder.steps
                            if step.status == "current"),
            days_linked=attention.days_linked(link.consented_at, tz, today)))
    return sorted(caseload, key=lambda r: r.attention_key)


def _active_ladders(session: Session, linked) -> dict[int, list[Ladder]]:
    found: dict[int, list[Ladder]] = defaultdict(list)
    for ladder in session.exec(select(Ladder).where(Ladder.child_id.in_(linked),
                                                    Ladder.status == "active")
                               .options(selectinload(Ladder.steps)).order_by(Ladder.id)):
        found[ladder.child_id].append(ladder)
    return found


def _recent_practices(session: Session, linked, since: datetime) -> dict[int, list[datetime]]:
    found: dict[int, list[datetime]] = defaultdict(list)
    for child_id, moment in session.exec(
            select(Practice.child_id, Practice.practiced_at)
            .where(Practice.child_id.in_(linked), Practice.practiced_at >= since)):
        found[child_id].append(moment)
    return found


def _latest(session: Session, child_column, moment_column, linked,
            aggregate=func.max, where=True) -> dict[int, datetime]:
    """Return the latest (or with func.min, the first) moment per child, in one grouped
    query (of the rows matching `where`)."""
    query = (select(child_column, aggregate(moment_column))
             .where(child_column.in_(linked), where).group_by(child_column))
    return {child_id: moment for child_id, moment in session.exec(query) if moment}


def _recent_checkins(session: Session, linked, since: date) -> dict[int, list[CheckInFact]]:
    # One statement with an outer join, not a selectinload: that would add a query for every
    # 500 check-ins, so the count would creep up with the size of the caseload.
    rows = session.exec(
        select(DayCheckIn.id, DayCheckIn.child_id, DayCheckIn.day, DayCheckIn.child_distress,
               Avoidance.kind, Avoidance.accommodations)
        .outerjoin(Avoidance, Avoidance.checkin_id == DayCheckIn.id)
        .where(DayCheckIn.child_id.in_(linked), DayCheckIn.day >= since)
        .order_by(DayCheckIn.id, Avoidance.id))
    parts: dict[int, tuple] = {}
    for checkin_id, child_id, day, distress, kind, accommodations in rows:
        *_, avoided, accommodated = parts.setdefault(checkin_id,
                                                     (child_id, day, distress, [], []))
        if kind is not None:
            avoided.append(kind)
            accommodated.extend(accommodations)
    found: dict[int, list[CheckInFact]] = defaultdict(list)
    for child_id, day, distress, avoided, accommodated in parts.values():
        found[child_id].append(CheckInFact(day, distress, tuple(avoided), tuple(accommodated)))
    return found


def _session_marks(session: Session, linked) -> dict[int, list[hopelessness.SessionMark]]:
    """Every recorded session of the linked children, in the order they were held."""
    found: dict[int, list[hopelessness.SessionMark]] = defaultdict(list)
    for child_id, held_on, attendance, presentations in session.exec(
            select(TherapySession.child_id, TherapySession.held_on, TherapySession.attendance,
                   TherapySession.presentations)
            .where(TherapySession.child_id.in_(linked))
            .order_by(TherapySession.held_on, TherapySession.id)):
        found[child_id].append(hopelessness.SessionMark(held_on, attendance,
                                                        "hopeless" in presentations))
    return found


def _open_homework(session: Session, linked) -> dict[int, int]:
    query = (select(TherapistNote.child_id, func.count())
             .where(TherapistNote.child_id.in_(linked), TherapistNote.kind == "homework",
                    TherapistNote.done_at.is_(None))
             .group_by(TherapistNote.child_id))
    return dict(session.exec(query).all())


_ACTIVE_LINK_ROW = select(TherapistLink).where(
    TherapistLink.therapist_id == bindparam("therapist_id"),
    TherapistLink.child_id == bindparam("child_id"), ACTIVE_LINK)


def active_link(session: Session, therapist: User, child: Child) -> TherapistLink:
    """Return the therapist's active link to the child, or raise DomainError."""
    link = session.exec(_ACTIVE_LINK_ROW, params={"therapist_id": therapist.id,
                                              "child_id": child.id}).first()
    if link is None:
        raise DomainError("You are not linked to this child any more.")
    return link


def set_practice_target(session: Session, therapist: User, child: Child, days: object,
                        ip: str = "") -> TherapistLink:
    """Set how many days a week the therapist asks the family to practise (1 to 7)."""
    if isinstance(days, bool) or not isinstance(days, int) or not (
            TARGET_MIN <= days <= TARGET_MAX):
        raise DomainError(f"The practice target must be a whole number of days from "
                          f"{TARGET_MIN} to {TARGET_MAX}.")
    link = active_link(session, therapist, child)
    link.practice_target_days = days
    audit.record(session, "practice_target_set", actor_id=therapist.id,
                 family_id=child.family_id, subject=f"child:{child.id} · {days} days a week",
                 ip=ip)
    session.commit()
    return link

