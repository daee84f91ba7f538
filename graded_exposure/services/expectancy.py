"""Expectancy: what a practice taught, the re-rating reminder days later, and the re-rating."""
from contextlib import suppress
from dataclasses import dataclass
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from sqlalchemy import bindparam, case, delete, func
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, ExpectancyRerating, Practice, Reminder, Step, User, utcnow
from ..rules import expectancy as rules
from ..rules.timezones import local_date
from ..vocabulary import Role
from .child_summary import lock_child
from .dated_reminders import DEFAULT_CHANNELS, remind_on, usual_practice_reminder
from .families import caregivers

RERATE_KIND = "rerate"
SHOWN = 5  # predictions the re-rating page lists, newest first


@dataclass(frozen=True)
class Prediction:
    """A practice's prediction as the re-rating page shows it."""

    practice_id: int
    step_title: str
    prediction: str
    likelihood: int
    rerated: int | None
    local_time: datetime


# rules.expectancy's surprise said in SQL, for pages that count surprises without reading every
# practice (tests/services/test_expectancy.py holds the two equal on every possible practice).
_BADNESS = func.coalesce(Practice.outcome_badness, 100)
_HAPPENED = case((Practice.prediction_came_true == "no", 0),
                 (Practice.prediction_came_true == "yes", _BADNESS),
                 (Practice.prediction_came_true == "partly", _BADNESS * rules.PARTLY_SHARE))
SURPRISE = Practice.expected_likelihood - _HAPPENED >= rules.SURPRISE_MIN_GAP
# How likely the practice's feared outcome felt when last asked: re-rated, else before.
LATEST_LIKELIHOOD = func.coalesce(
    select(ExpectancyRerating.likelihood).where(ExpectancyRerating.practice_id == Practice.id)
    .scalar_subquery(), Practice.expected_likelihood)


def trends_by_step(rows) -> dict[int, rules.ExpectancyTrend]:
    """Each step's expectancy trend from practice rows (oldest first) that carry step_id,
    expected_likelihood, prediction_came_true, outcome_badness and rerated."""
    points: dict[int, list[rules.ExpectancyPoint]] = {}
    for row in rows:
        if row.expected_likelihood is not None:
            points.setdefault(row.step_id, []).append(rules.ExpectancyPoint(
                row.expected_likelihood, row.rerated, row.prediction_came_true,
                row.outcome_badness))
    return {step_id: rules.expectancy_trend(found) for step_id, found in points.items()}


def learning_of(child: Child, practice: Practice) -> rules.Learning | None:
    """What this practice taught, in words naming the child; None when nothing to compare."""
    return rules.learning(child.display_name, practice.expected_likelihood,
                          practice.prediction_came_true, practice.outcome_badness)


def wants_rerating(practice: Practice) -> bool:
    """True when the practice holds a prediction that felt at least a little likely."""
    return bool(practice.prediction) and bool(practice.expected_likelihood)


# The one pending question a child has: dropped before another is asked, with the child's
# writers held back (two predictions logged at once would each drop none and ask one).
_PENDING = (delete(Reminder).where(Reminder.child_id == bindparam("child_id"),
                                   Reminder.kind == RERATE_KIND,
                                   Reminder.next_due_at.is_not(None)))


def _drop_pending(session: Session, child_id: int) -> None:
    lock_child(session.connection(), child_id)
    session.execute(_PENDING, {"child_id": child_id})


def schedule_rerating(session: Session, child: Child, practice: Practice,
                      logged_by: User | None, now: datetime | None = None) -> list[Reminder]:
    """Add (not commit) the re-rating reminder RERATE_AFTER_DAYS after the practice's local
    day, replacing the child's pending one: one question waits at a time, about the newest.

    It goes to the caregiver who logged the practice, or to every caregiver when a therapist
    logged it, at their practice reminder's time and channels, else RERATE_TIME.
    """
    if not wants_rerating(practice):
        return []
    now = now or utcnow()
    on = local_date(practice.practiced_at, child.family.timezone) + timedelta(
        days=rules.RERATE_AFTER_DAYS)
    if logged_by is not None and logged_by.role == Role.CAREGIVER:
        recipients = [logged_by]
    else:
        recipients = caregivers(session, child.family_id)
    _drop_pending(session, child.id)
    created = []
    for user in recipients:
        usual = usual_practice_reminder(session, user.id, child.id)
        at, channels = usual if usual else (rules.RERATE_TIME, DEFAULT_CHANNELS)
        # An old practice logged late: its day to ask has gone; the page still asks.
        with suppress(DomainError):
            created += remind_on(session, [user], child, kind=RERATE_KIND, on=on, at=at,
                                 created_by_id=logged_by.id if logged_by else None,
                                 channels=channels, now=now)
    return created


# The child's newest practice whose prediction has not been re-rated, with who logged it.
_NEWEST_UNRATED = (select(Practice, User).outerjoin(User, User.id == Practice.logged_by_id)
                   .outerjoin(ExpectancyRerating,
                              ExpectancyRerating.practice_id == Practice.id)
                   .where(Practice.child_id == bindparam("child_id"), Practice.prediction != "",
                          Practice.expected_likelihood > 0, ExpectancyRerating.id.is_(None))
                   .order_by(Practice.practiced_at.desc(), Practice.id.desc()).limit(1))


def ask_about_newest(session: Session, child: Child, now: datetime | None = None) -> None:
    """Add (not commit) the question about the child's newest prediction not yet re-rated,
    in place of the pending one: after the practice it asked about lost its prediction or was
    deleted. None left, or its day gone: no question waits."""
    session.flush()
    found = session.exec(_NEWEST_UNRATED, params={"child_id": child.id}).first()
    if found is None:
        _drop_pending(session, child.id)
        return
    schedule_rerating(session, child, found[0], found[1], now=now)


def rerate(session: Session, child: Child, practice: Practice, likelihood,
           by: User | None) -> ExpectancyRerating:
    """Store how likely the practice's feared outcome feels now; asking again changes it."""
    if not wants_rerating(practice) or practice.child_id != child.id:
        raise DomainError("This practice has no prediction to re-rate.")
    if likelihood is None or rules.likelihood_problem(likelihood):
        raise DomainError("Choose how likely it feels now from the five steps.")
    found = _rerating_of(session, practice.id)
    if found is None:
        found = ExpectancyRerating(practice_id=practice.id, child_id=child.id,
                                   likelihood=likelihood)
        session.add(found)
    found.likelihood, found.rated_at = likelihood, utcnow()
    found.rated_by_id = by.id if by else None
    try:
        session.commit()
    except IntegrityError:  # a double tap raced this one in: the later tap's answer wins
        session.rollback()
        found = _rerating_of(session, practice.id)
        found.likelihood, found.rated_by_id = likelihood, by.id if by else None
        session.commit()
    return found


_RERATING = select(ExpectancyRerating).where(ExpectancyRerating.practice_id == bindparam("pid"))


def _rerating_of(session: Session, practice_id: int) -> ExpectancyRerating | None:
    return session.exec(_RERATING, params={"pid": practice_id}).first()


_PREDICTIONS = (select(Practice.id, Step.title, Practice.prediction, Practice.expected_likelihood,
                       ExpectancyRerating.likelihood.label("rerated"), Practice.practiced_at)
                .join(Step, Step.id == Practice.step_id)
                .outerjoin(ExpectancyRerating, ExpectancyRerating.practice_id == Practice.id)
                .where(Practice.child_id == bindparam("child_id"), Practice.prediction != "",
                       Practice.expected_likelihood > 0)
                .order_by(Practice.practiced_at.desc(), Practice.id.desc()).limit(SHOWN))


def predictions_to_rerate(session: Session, child: Child) -> list[Prediction]:
    """The child's newest predictions with a likelihood, and their re-rating if any."""
    zone = ZoneInfo(child.family.timezone)
    rows = session.connection().execute(_PREDICTIONS, {"child_id": child.id})
    return [Prediction(row.id, row.title, row.prediction, row.expected_likelihood, row.rerated,
                       row.practiced_at.astimezone(zone)) for row in rows]
