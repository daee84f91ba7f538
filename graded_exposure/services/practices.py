"""Practices: log one (once per form, whatever the retries), edit, delete, list."""
from dataclasses import dataclass, field
from datetime import UTC, datetime
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, insert
from sqlalchemy.orm import make_transient_to_detached
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, Ladder, Practice, Step, User, utcnow
from ..rules import expectancy, two_voices
from ..rules import practice_rules as rules
from ..rules.practice_context import context_problem
from ..rules.safety_fading import used_problem
from ..rules.timezones import local_date
from . import audit, summary_tracking
from .expectancy import ask_about_newest, schedule_rerating, wants_rerating
from .form_keys import KeyLost, checked_key
from .ladder_lines import LadderLine, active_ladders
from .pagination import MAX_PAGE, Page
from .plain_rows import plain_rows
from .unique_wins import write_or_winner

PER_PAGE = 30


class KeyAlreadyUsed(KeyLost):
    """The form's idempotency key already belongs to another child's practice."""


@dataclass
class PracticeDetails:
    """What was entered about one practice; practiced_at naive means family-local.

    fear_* are the caregiver's numbers (None when only the child rated, in the child view);
    child_fear_* the child's faces on the same scale."""

    fear_before: int | None
    fear_after: int | None
    fear_peak: int | None = None
    outcome: str = rules.DEFAULT_OUTCOME
    prediction: str = ""
    prediction_came_true: str = ""
    calming_used: list[str] = field(default_factory=list)
    safety_behaviours: str = ""  # free text from before the ladder's list; kept when edited
    safety_used: list[str] = field(default_factory=list)
    context_where: str = ""
    context_with: str = ""
    context_time: str = ""
    small_wins: list[str] = field(default_factory=list)
    note: str = ""
    practiced_at: datetime | None = None
    # Set by the child view's calm screen only; editing a practice keeps what was recorded.
    calm_first: bool = False
    in_session: bool = False  # logged by the therapist during a live session
    # Expectancy (rules/expectancy.py): how likely the feared outcome felt, how bad it was.
    expected_likelihood: int | None = None
    outcome_badness: int | None = None
    child_fear_before: int | None = None
    child_fear_after: int | None = None


@dataclass
class PracticeRow:
    """A practice as lists show it: its step's title, local time and who logged it, resolved.

    `practice` is a Practice, or a row of plain columns (_LISTED here as a named tuple, the
    session summary's own): plain columns cost a fraction of loading entities.
    """

    practice: Practice
    local_time: datetime
    logged_by: str
    step_title: str
    learned: str = ""  # what the practice taught (rules/expectancy.py), when it says


@dataclass
class FormOptions:
    """What the practice form offers: steps grouped by ladder, calming and safety chips."""

    ladders: list[LadderLine | Ladder]  # the active ones, and a kept step's archived ladder
    default_step_id: int | None
    calming: list[str]
    safety: list[str] = field(default_factory=list)  # the ladders' safety behaviours


def log_practice(session: Session, child: Child, step: Step, logged_by: User | None,
                 data: PracticeDetails, idempotency_key: str) -> Practice:
    """Store a practice once per idempotency key; a repeated key returns the stored one."""
    key = checked_key(idempotency_key)
    try:
        _check_step(step, child.id)
        values = _checked(data, child.family.timezone)
    except DomainError:
        # A form saved once and sent again later (a retry, a queue sent from a phone) is
        # saved, whatever would be refused about it now.
        existing = _stored_for(session, key, child)
        if existing is None:
            raise
        return existing
    now = utcnow()
    row = {"child_id": child.id, "step_id": step.id, "idempotency_key": key,
           "logged_by_id": logged_by.id if logged_by else None,
           "calm_first": data.calm_first is True, "in_session": bool(data.in_session),
           "created_at": now, "updated_at": now, **values}

    def store() -> Practice:
        practice = _insert(session, row)
        schedule_rerating(session, child, practice, logged_by)
        session.commit()
        return practice

    # The key's unique constraint decides, without a look-up before every insert: a form sent
    # again (a double tap, a retry, two racing copies) finds the row that won.
    return write_or_winner(session, store, lambda: _stored_for(session, key, child))


# Logging a practice is the write families make most, and the unit of work (a flush: ordering,
# attribute history, fetching the new id) cost more than the rest of storing it: one INSERT of
# every column instead, then the row as the session's object, noted for the caseload summary as
# a flush would note it.
_INSERT = insert(Practice.__table__).returning(Practice.__table__.c.id)


def _insert(session: Session, row: dict) -> Practice:
    """INSERT a practice (every column but its id); return it as the session's persistent
    object, as if loaded.

    The object is made as the ORM makes one it loads (an instance with its state, its columns
    in its dict): SQLModel's Practice(**row) sets every field through its descriptor, 70 us.
    """
    row_id = session.connection().execute(_INSERT, row).scalar_one()
    practice = Practice.__mapper__.class_manager.new_instance()
    practice.__dict__.update(row, id=row_id)
    make_transient_to_detached(practice)
    session.add(practice)
    summary_tracking.note_inserted(session, practice)
    return practice


def edit_practice(session: Session, practice: Practice, step: Step,
                  data: PracticeDetails) -> Practice:
    """Change what was recorded about a practice; an empty time keeps the stored one."""
    child = session.get(Child, practice.child_id)
    tz = child.family.timezone
    _check_step(step, child.id)
    if data.practiced_at is None or _to_the_minute(data.practiced_at) == _to_the_minute(
            local_time(practice, tz)):
        # Left as the form showed it (to the minute, in the family's zone): the stored moment,
        # its seconds and which of a clock change's two half past ones it was.
        data.practiced_at = practice.practiced_at
    values = _checked(data, tz, unchanged=practice.practiced_at)
    asked_before = wants_rerating(practice)
    # The edit form is the caregiver's: the child's faces stay as the child gave them, and
    # numbers changed here are the caregiver's own rating.
    for name in CHILD_VOICE:
        del values[name]
    rated = tuple(values[name] for name in FEARS) != tuple(getattr(practice, n) for n in FEARS)
    practice.caregiver_rated = practice.caregiver_rated or rated
    moved = local_date(values["practiced_at"], tz) != local_date(practice.practiced_at, tz)
    for name, value in values.items():
        setattr(practice, name, value)
    practice.step_id = step.id
    practice.updated_at = utcnow()
    if not asked_before:  # a prediction added later is asked about like a new one
        schedule_rerating(session, child, practice, session.get(User, practice.logged_by_id)
                          if practice.logged_by_id else None)
    elif not wants_rerating(practice) or moved:
        # Taken out, or moved to another day: its question goes, moves to its new day, or to
        # the newest prediction left.
        ask_about_newest(session, child)
    session.commit()
    return practice


FEARS = ("fear_before", "fear_peak", "fear_after")
CHILD_VOICE = ("child_fear_before", "child_fear_after", "caregiver_rated")


def delete_practice(session: Session, practice: Practice, actor: User | None) -> None:
    """Delete a practice for good."""
    child = session.get(Child, practice.child_id)
    audit.record(session, "practice_deleted", actor_id=actor.id if actor else None,
                 family_id=child.family_id, subject=f"practice:{practice.id}")
    asked = wants_rerating(practice)
    session.delete(practice)
    if asked:  # its question goes, or moves to the newest prediction left
        ask_about_newest(session, child)
    session.commit()


# What lists show of a practice, with its step's title and its logger's name, newest first.
_LISTED = (select(Practice.id, Practice.step_id, Practice.practiced_at, Practice.fear_before,
                  Practice.fear_peak, Practice.fear_after, Practice.outcome, Practice.note,
                  Practice.small_wins, Practice.prediction, Practice.prediction_came_true,
                  Practice.safety_behaviours, Practice.safety_used, Practice.context_where,
                  Practice.context_with, Practice.context_time, Practice.expected_likelihood,
                  Practice.outcome_badness, Practice.child_fear_before,
                  Practice.child_fear_after, Practice.caregiver_rated,
                  Step.title.label("step_title"), User.display_name.label("logged_by"))
           .join(Step, Step.id == Practice.step_id)
           .outerjoin(User, User.id == Practice.logged_by_id)
           .where(Practice.child_id == bindparam("child_id"))
           .order_by(Practice.practiced_at.desc(), Practice.id.desc())
           .limit(bindparam("limit")).offset(bindparam("offset")))


def newest(session: Session, child: Child, count: int, skip: int = 0) -> list[PracticeRow]:
    """The child's `count` newest practices after the first `skip`, as rows to list."""
    zone = ZoneInfo(child.family.timezone)
    found = plain_rows(session.connection().execute(
        _LISTED, {"child_id": child.id, "limit": count, "offset": skip}))
    return [PracticeRow(practice=row, local_time=row.practiced_at.astimezone(zone),
                        logged_by=row.logged_by or SOMEONE, step_title=row.step_title,
                        learned=_learned(child.display_name, row))
            for row in found]


def _learned(name: str, row) -> str:
    if row.expected_likelihood is None:
        return ""
    found = expectancy.learning(name, row.expected_likelihood, row.prediction_came_true,
                                row.outcome_badness)
    return found.sentence if found else ""


def list_practices(session: Session, child: Child, page: int = 1,
                   per_page: int = PER_PAGE) -> Page[PracticeRow]:
    """Return one page of a child's practices, newest first."""
    page = min(max(page, 1), MAX_PAGE)
    found = newest(session, child, per_page + 1, (page - 1) * per_page)
    return Page(found[:per_page], page, len(found) > per_page)


SOMEONE = "someone"  # who logged a practice, once their account is gone


def form_options(session: Session, child: Child, keep_step: Step | None = None) -> FormOptions:
    """Return the steps and calming chips the practice form offers for this child."""
    ladders: list = active_ladders(session.connection(), child.id)
    if keep_step is not None and keep_step.ladder_id not in {ladder.id for ladder in ladders}:
        ladders.append(keep_step.ladder)
    current = [s for ladder in ladders for s in ladder.steps if s.status == "current"]
    # The practised step's own calming plan leads: the same plan the child view offered.
    chosen = keep_step.ladder_id if keep_step is not None else None
    plans = sorted(ladders, key=lambda ladder: ladder.id != chosen)
    calming = [*(item for ladder in plans for item in ladder.calming_plan),
               *rules.COMMON_CALMING]
    safety = (item for ladder in plans for item in ladder.safety_behaviours)
    return FormOptions(ladders=ladders, default_step_id=current[0].id if current else None,
                       calming=list(dict.fromkeys(calming)), safety=list(dict.fromkeys(safety)))


def local_time(practice: Practice, tz_name: str) -> datetime:
    """Return when the practice happened as a naive wall-clock time in the family's zone."""
    return practice.practiced_at.astimezone(ZoneInfo(tz_name)).replace(tzinfo=None)


_BY_KEY = select(Practice).where(Practice.idempotency_key == bindparam("key"))


def _by_key(session: Session, key: str) -> Practice | None:
    return session.exec(_BY_KEY, params={"key": key}).first()


def _stored_for(session: Session, key: str, child: Child) -> Practice | None:
    existing = _by_key(session, key)
    return None if existing is None else _same_child(existing, child)


def _same_child(existing: Practice, child: Child) -> Practice:
    if existing.child_id != child.id:
        # Never hand back, or attach to, another child's record.
        raise KeyAlreadyUsed("This form was already used. Please fill it in again.")
    return existing


def _check_step(step: Step, child_id: int) -> None:
    if step.ladder.child_id != child_id:
        raise DomainError("That step is not on this child's ladders.")


def _text(value: str, limit: int, label: str, problems: list[str]) -> str:
    value = (value or "").strip()
    if len(value) > limit:
        problems.append(f"{label} can be at most {limit} characters.")
    return value


def _checked(data: PracticeDetails, tz_name: str, unchanged: datetime | None = None) -> dict:
    """Return the column values for these details, or raise DomainError listing the problems."""
    problems: list[str] = []
    given = two_voices.Fears(data.fear_before, data.fear_peak, data.fear_after)
    if problem := two_voices.child_fear_problem(data.child_fear_before, data.child_fear_after):
        problems.append(problem)
        fears = given
    else:
        fears = two_voices.counted_fears(given, data.child_fear_before, data.child_fear_after)
    peak = fears.peak
    if peak is None and isinstance(fears.before, int) and isinstance(fears.after, int):
        peak = rules.default_peak(fears.before, fears.after)
    if problem := rules.fear_problem(fears.before, peak, fears.after):
        problems.append(problem)
    if data.outcome not in rules.OUTCOMES:
        problems.append("Choose how it went.")
    if data.prediction_came_true not in ("", *rules.PREDICTION_RESULTS):
        problems.append("Choose whether the prediction came true.")
    calming = list(dict.fromkeys(s.strip() for s in data.calming_used if s and s.strip()))
    if problem := (expectancy.likelihood_problem(data.expected_likelihood)
                   or expectancy.badness_problem(data.prediction_came_true,
                                                 data.outcome_badness)):
        problems.append(problem)
    if problem := rules.calming_problem(calming):
        problems.append(problem)
    if not set(data.small_wins) <= set(rules.SMALL_WINS):
        problems.append("Choose small wins from the list.")
    safety = list(dict.fromkeys(s.strip() for s in data.safety_used if s and s.strip()))
    if problem := used_problem(safety):
        problems.append(problem)
    context = {"context_where": data.context_where or "", "context_with": data.context_with or "",
               "context_time": data.context_time or ""}
    if problem := context_problem(*context.values()):
        problems.append(problem)
    when = _utc(data.practiced_at, tz_name)
    if when != unchanged and (problem := rules.practice_time_problem(when, utcnow())):
        problems.append(problem)
    values = {
        "fear_before": fears.before, "fear_peak": peak, "fear_after": fears.after,
        "child_fear_before": data.child_fear_before, "child_fear_after": data.child_fear_after,
        "caregiver_rated": two_voices.caregiver_has_rated(given),
        "outcome": data.outcome, "prediction_came_true": data.prediction_came_true,
        "prediction": _text(data.prediction, rules.MAX_PREDICTION, "The prediction", problems),
        "safety_behaviours": _text(data.safety_behaviours, rules.MAX_SAFETY_BEHAVIOURS,
                                   "Safety behaviours", problems),
        "note": _text(data.note, rules.MAX_NOTE, "The note", problems),
        "calming_used": calming, "small_wins": list(dict.fromkeys(data.small_wins)),
        "practiced_at": when, "safety_used": safety, **context,
        "expected_likelihood": data.expected_likelihood, "outcome_badness": data.outcome_badness,
    }
    if problems:
        raise DomainError(" ".join(problems))
    return values


def _to_the_minute(when: datetime) -> datetime:
    """A time as the edit form shows it (a datetime-local input): no seconds."""
    return when.replace(second=0, microsecond=0)


def _utc(when: datetime | None, tz_name: str) -> datetime:
    if when is None:
        return utcnow()
    if when.tzinfo is None:
        when = when.replace(tzinfo=ZoneInfo(tz_name))
    try:
        return when.astimezone(UTC)
    except OverflowError:  # year 1 east of UTC, 9999 west of it: no such moment
        raise DomainError(rules.TIME_BEYOND_CALENDAR) from None
