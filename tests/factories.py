"""Test data shared by several test modules: rows built straight in the database."""
import itertools
from datetime import UTC, date, datetime, timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlmodel import Session

from graded_exposure.models import (
    AccommodationPlan,
    Avoidance,
    Child,
    DayCheckIn,
    Delivery,
    Family,
    InboxMessage,
    Ladder,
    LiveSession,
    Practice,
    Reminder,
    Step,
    SubStep,
    TherapistLink,
    TherapistNote,
    TherapySession,
    User,
    utcnow,
)
from graded_exposure.rules import schedule
from graded_exposure.services import accounts, ladders
from tests.conftest import PASSWORD
from tests.hostile_input import FORMULAS

# Dispatch settings for tests that run reminder passes by hand.
DISPATCH_CONFIG = {"REMINDER_GRACE": timedelta(hours=2), "REMINDER_LEASE": timedelta(minutes=5),
                   "REMINDER_BATCH": 50}
# The day `practise_on_days` counts from: a Monday afternoon in London.
PRACTICE_DAY = datetime(2026, 10, 5, 15, 0, tzinfo=UTC)
_emails = itertools.count()
_keys = itertools.count()


# ---- people ---------------------------------------------------------------------------------

def person(db: Session, tz="Europe/London", child_name="Sam") -> tuple[User, Child]:
    """Add a caregiver with one child (no password hashing: for tests that never log in)."""
    family = Family(timezone=tz)
    user = User(email=f"p{next(_emails)}@example.com", display_name="Alex", password_hash="x",
                role="caregiver", family=family)
    child = Child(family=family, display_name=child_name)
    db.add_all([family, user, child])
    db.commit()
    return user, child


def quick_family_child(db: Session, n: int, tz="Europe/London") -> Child:
    """Add a family with caregiver `parent{n}@example.com` and one child (no hashing: fast)."""
    family = Family(timezone=tz)
    db.add(family)
    db.flush()
    db.add(User(email=f"parent{n}@example.com", display_name=f"Parent {n}", password_hash="x",
                role="caregiver", family_id=family.id))
    child = Child(family_id=family.id, display_name=f"Child {n:03d}")
    db.add(child)
    db.commit()
    return child


def make_therapist(db: Session, email="tara@example.com", name="Tara") -> User:
    """Register a therapist through the real service (a real password, for logging in)."""
    return accounts.register(db, email=email, password=PASSWORD, display_name=name,
                             role="therapist")


def link(db: Session, therapist: User, child: Child, status="active", **fields) -> TherapistLink:
    """Insert a link as if a caregiver had consented (or ended it); an established one, a
    month old, unless `consented_at` says when (a link's first week is judged apart)."""
    consented = fields.pop("consented_at", utcnow() - timedelta(days=30))
    row = TherapistLink(therapist_id=therapist.id, child_id=child.id, status=status,
                        consented_at=consented if status != "pending" else None,
                        ended_at=utcnow() if status == "ended" else None, **fields)
    db.add(row)
    db.commit()
    return row


# ---- ladders and practices --------------------------------------------------------------------

def make_ladder(db: Session, child: Child, *, goal="Go to school", area="school", steps=3,
                mastered=0, status="active", calming=(), titles=None, fears=None,
                by: User | None = None, **fields) -> Ladder:
    """Add a ladder of steps "Step 1".. (or `titles`) whose first unmastered step is current."""
    titles = titles or [f"Step {n}" for n in range(1, steps + 1)]
    fears = fears or [min(10, n) for n in range(1, len(titles) + 1)]  # rising, as ladders do
    ladder = Ladder(child_id=child.id, goal=goal, area=area, status=status,
                    calming_plan=list(calming), created_by_id=by and by.id, **fields)
    db.add(ladder)
    db.flush()
    for position, (title, fear) in enumerate(zip(titles, fears, strict=True), start=1):
        state = ("mastered" if position <= mastered else
                 "current" if position == mastered + 1 else "upcoming")
        db.add(Step(ladder_id=ladder.id, position=position, title=title, predicted_fear=fear,
                    status=state, current_since=utcnow() if state == "current" else None))
    db.commit()
    db.refresh(ladder)
    return ladder


def finished_ladder(db: Session, child: Child, *, steps=4, mastered_at=PRACTICE_DAY,
                    **fields) -> Ladder:
    """Add a ladder whose every step is mastered (the top one at `mastered_at`), steps loaded."""
    ladder = make_ladder(db, child, steps=steps, mastered=steps, **fields)
    for step in ladder.steps:
        step.mastered_at = mastered_at
    db.commit()
    return ladders.with_steps(db, ladder.id)


def template_ladder(db: Session, child: Child, key="school-day", by: User | None = None) -> Ladder:
    """Add a ladder from a built-in template (steps, sub-steps, stories) through the service."""
    ladder = ladders.create_ladder_from_template(db, child, by, key)
    return ladders.with_steps(db, ladder.id)


def current_step(ladder: Ladder) -> Step:
    """Return the ladder's current step."""
    return next(s for s in ladder.steps if s.status == "current")


def add_practice(db: Session, child: Child, step: Step, before: int,
                 outcome="did_it") -> Practice:
    """Add one practice, now, whose peak equals the fear before and which ended calm."""
    practice = Practice(child_id=child.id, step_id=step.id, fear_before=before,
                        fear_peak=before, fear_after=0, outcome=outcome,
                        idempotency_key=uuid4().hex)
    db.add(practice)
    db.commit()
    return practice


def add_practices(db: Session, child: Child, steps, n: int, logged_by_id=None) -> None:
    """Add n practices spread over the given steps, one an hour going back from now."""
    for i in range(n):
        db.add(Practice(child_id=child.id, step_id=steps[i % len(steps)].id, fear_before=5,
                        fear_peak=6, fear_after=i % 5, outcome="did_it", note=f"p{i}",
                        logged_by_id=logged_by_id, idempotency_key=uuid4().hex,
                        practiced_at=utcnow() - timedelta(hours=i)))
    db.commit()


def practise_on_days(db: Session, step: Step, days=(0, 0, 1), peak=2, after=1, before=3,
                     outcome="did_it", **fields) -> None:
    """Add a practice per entry in `days` (days after PRACTICE_DAY), each an hour after the last
    (`fields`: more Practice columns, the same for each)."""
    for n, offset in enumerate(days):
        db.add(Practice(child_id=step.ladder.child_id, step_id=step.id,
                        practiced_at=PRACTICE_DAY + timedelta(days=offset, hours=n),
                        fear_before=before, fear_peak=peak, fear_after=after, outcome=outcome,
                        idempotency_key=f"k{next(_keys)}", **fields))
    db.commit()


# ---- reminders --------------------------------------------------------------------------------

def local(tz: str, y, m, d, hh=0, mm=0) -> datetime:
    """Return the UTC instant of a wall-clock time in `tz`."""
    return datetime(y, m, d, hh, mm, tzinfo=ZoneInfo(tz)).astimezone(UTC)


def add_reminder(db: Session, user: User, child: Child | None, *, created, weekdays="1234567",
                 local_time="07:30", tz="Europe/London", kind="practice", channels=("inbox",),
                 **extra) -> Reminder:
    """Add a reminder whose first occurrence is the first one after `created`."""
    r = Reminder(user_id=user.id, child_id=child.id if child else None, kind=kind,
                 weekdays=weekdays, local_time=local_time, timezone=tz, channels=list(channels),
                 next_due_at=schedule.next_occurrence_utc(weekdays, local_time, tz, created),
                 **extra)
    db.add(r)
    db.commit()
    return r


def due_minute() -> datetime:
    """A minute or two ago, on the minute: the due time of a daily reminder set for that minute
    (UTC), as the app itself would store it, so its next occurrence is a day later however near
    the clock is to any fixed time of day."""
    return (utcnow() - timedelta(minutes=1)).replace(second=0, microsecond=0)


def due_reminders(db: Session, users: list[User], count: int, channels: list[str],
                  child: Child | None = None) -> None:
    """Add `count` therapist reminders ("note 0".."), a minute or two overdue, spread over `users`.

    Their daily time is the minute they fell due (due_minute).
    """
    due = due_minute()
    db.add_all(Reminder(user_id=users[i % len(users)].id, child_id=child and child.id,
                        kind="therapist", message=f"note {i}",
                        weekdays="1234567", local_time=f"{due:%H:%M}", timezone="UTC",
                        channels=list(channels), next_due_at=due) for i in range(count))
    db.commit()


# ---- everything at once -----------------------------------------------------------------------

def busy_child(db: Session, n: int, therapist: User, now=None) -> Child:
    """Add a linked child with a ladder, practices, a check-in with avoidance and open homework."""
    now = now or utcnow()
    child = quick_family_child(db, n)
    step = template_ladder(db, child).steps[0]
    for day in range(6):
        db.add(Practice(child_id=child.id, step_id=step.id, practiced_at=now - timedelta(days=day),
                        fear_before=5, fear_peak=6, fear_after=3, outcome="did_it",
                        idempotency_key=f"k-{n}-{day}"))
    checkin = DayCheckIn(child_id=child.id, day=(now - timedelta(days=1)).date(), child_distress=2,
                         caregiver_distress=3, idempotency_key=f"c-{n}")
    checkin.avoidances.append(Avoidance(kind="school", accommodations=["kept_home"]))
    db.add(checkin)
    db.add(TherapistNote(child_id=child.id, author_id=therapist.id, kind="homework", text="Go"))
    db.commit()
    link(db, therapist, child)
    return child


def fill_child(db: Session, child: Child, user: User, therapist=None) -> dict[str, list[int]]:
    """Give a child a ladder, steps, practices, check-ins, notes, a link and a reminder."""
    ladder = Ladder(child_id=child.id, goal="Go to school", area="school",
                    calming_plan=["deep pressure"], created_by_id=user.id)
    db.add(ladder)
    db.flush()
    steps = [Step(ladder_id=ladder.id, position=i, title=f"Step {i}", status="current")
             for i in (1, 2)]
    db.add_all(steps)
    db.flush()
    db.add(SubStep(step_id=steps[0].id, position=1, text="Shoes on"))
    for i, note in enumerate(FORMULAS):
        db.add(Practice(child_id=child.id, step_id=steps[i % 2].id, fear_before=6, fear_peak=7,
                        fear_after=3, outcome="did_it", note=note, small_wins=["laughed"],
                        logged_by_id=user.id, idempotency_key=f"{child.id}-{i}",
                        practiced_at=utcnow() - timedelta(days=i)))
    for i in range(2):
        checkin = DayCheckIn(child_id=child.id, day=date.today() - timedelta(days=i),
                             child_distress=4, caregiver_distress=5,
                             idempotency_key=f"c{child.id}-{i}")
        checkin.avoidances = [Avoidance(kind="school", description="=cmd at the gate",
                                        accommodations=["kept_home"])]
        db.add(checkin)
    db.add(TherapistNote(child_id=child.id, ladder_id=ladder.id,
                         author_id=therapist and therapist.id, kind="homework",
                         text="Practise the gate twice"))
    if therapist:
        db.add(TherapistLink(therapist_id=therapist.id, child_id=child.id, status="active",
                             consented_by_id=user.id, consented_at=utcnow(), shared_scope="x"))
    reminder = Reminder(user_id=user.id, child_id=child.id, kind="practice", weekdays="12345",
                        local_time="17:00", timezone="Europe/London")
    db.add(reminder)
    db.flush()
    delivery = Delivery(reminder_id=reminder.id, local_date=date.today(), status="sent")
    db.add(delivery)
    db.flush()
    db.add(InboxMessage(user_id=user.id, delivery_id=delivery.id, child_id=child.id,
                        title=f"Practice with {child.display_name}"))
    db.commit()
    return {"ladders": [ladder.id], "steps": [s.id for s in steps]}


def accommodated_days(db: Session, child: Child, kind: str, accommodation: str, *, days,
                      today: date | None = None, distress: int = 2) -> None:
    """Add check-ins `days` days before today (the family's) where `kind` was avoided and
    accommodated as `accommodation`."""
    from graded_exposure.services.checkins import today_for
    today = today or today_for(child)
    for n in days:
        checkin = DayCheckIn(child_id=child.id, day=today - timedelta(days=n),
                             child_distress=distress, caregiver_distress=3,
                             idempotency_key=uuid4().hex)
        checkin.avoidances = [Avoidance(kind=kind, accommodations=[accommodation])]
        db.add(checkin)
    db.commit()


def family_objects(db: Session, family) -> dict[str, int]:
    """Give the family's child one of everything a URL can name; return the ids by argument."""
    ladder = Ladder(child_id=family.child.id, goal="Go to school", area="school")
    db.add(ladder)
    db.flush()
    step = Step(ladder_id=ladder.id, position=1, title="Walk to the gate", status="current")
    db.add(step)
    db.flush()
    substep = SubStep(step_id=step.id, position=1, text="Put on shoes")
    practice = Practice(child_id=family.child.id, step_id=step.id, fear_before=5, fear_peak=6,
                        fear_after=3, outcome="did_it", idempotency_key="grid-key")
    reminder = Reminder(user_id=family.user.id, child_id=family.child.id, kind="practice",
                        weekdays="12345", local_time="07:30", timezone="Europe/London")
    message = InboxMessage(user_id=family.user.id, title="Time to practise")
    their_therapist = accounts.register(db, email="dr.own@example.com", password=PASSWORD,
                                        display_name="Dr Own", role="therapist")
    link = TherapistLink(therapist_id=their_therapist.id, child_id=family.child.id,
                         status="active", consented_by_id=family.user.id, consented_at=utcnow())
    note = TherapistNote(child_id=family.child.id, author_id=their_therapist.id, kind="homework",
                         text="Practise the gate twice")
    plan = AccommodationPlan(child_id=family.child.id, target="Speaking for Sam",
                             instead="We let Sam answer", starts_on=date(2026, 1, 5),
                             acceptance="I know it is hard", confidence="I know you can do it",
                             if_upset="We stay close", created_by_id=family.user.id)
    record = TherapySession(child_id=family.child.id, therapist_id=their_therapist.id,
                            held_on=date.today(), mode="in_person", attendance="attended",
                            note="Private", idempotency_key="grid-session")
    db.add_all([substep, practice, reminder, message, link, note, plan, record])
    db.flush()
    live = LiveSession(child_id=family.child.id, therapist_id=their_therapist.id,
                       ends_at=utcnow() + timedelta(hours=1))
    db.add(live)
    db.commit()
    return {"live_id": live.id, "child_id": family.child.id, "ladder_id": ladder.id, "step_id": step.id,
            "substep_id": substep.id, "practice_id": practice.id,
            "reminder_id": reminder.id, "message_id": message.id, "link_id": link.id,
            "note_id": note.id, "therapy_session_id": record.id}
