"""Demo data: a family with two children, template ladders and weeks of honest-looking history."""
import random
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from sqlmodel import Session, select

from ..models import Avoidance, DayCheckIn, ExpectancyRerating, Practice, User, utcnow
from ..rules.expectancy import RERATE_AFTER_DAYS
from ..rules.practice_rules import SMALL_WINS
from ..vocabulary import Outcome, Role
from . import accounts, families, ladders

DEMO_EMAIL = "demo@example.com"
DEMO_PASSWORD = "brave steps demo"  # noqa: S105  (a published demo login, not a secret)
DEMO_TZ = "Europe/London"
WEEKS = 5


def seed(session: Session, today=None) -> str:
    """Create the demo family once; running it again changes nothing."""
    if session.exec(select(User).where(User.email == DEMO_EMAIL)).first():
        return f"Demo family already there: log in as {DEMO_EMAIL} / {DEMO_PASSWORD}"
    rng = random.Random(7)  # the same demo every time
    parent = accounts.register(session, email=DEMO_EMAIL, password=DEMO_PASSWORD,
                               display_name="Jordan", role=Role.CAREGIVER, timezone=DEMO_TZ)
    tz = ZoneInfo(DEMO_TZ)
    today = today or utcnow().astimezone(tz).date()
    mia = families.add_child(session, parent, display_name="Mia", age_band="8-10", avatar="🦊")
    leo = families.add_child(session, parent, display_name="Leo", age_band="5-7", avatar="🐻")
    school = ladders.create_ladder_from_template(session, mia, parent, "school-day")
    party = ladders.create_ladder_from_template(session, leo, parent, "parties-social")
    start = today - timedelta(weeks=WEEKS)
    for ladder in (school, party):
        ladder.created_at = datetime.combine(start, time(18), tz)
    # Practice runs up to today, so the home screen shows a living streak.
    _practise(session, school, parent, today - timedelta(days=21), today, tz, rng, mastered=3,
              falling=True)
    _practise(session, party, parent, today - timedelta(days=12), today, tz, rng, mastered=1,
              falling=False)
    _check_in(session, mia, parent, start, today, rng, avoiding=("school",))
    _check_in(session, leo, parent, start, today, rng, avoiding=("social", "separation"))
    session.commit()
    return f"Demo family created: log in as {DEMO_EMAIL} / {DEMO_PASSWORD}"


def _practise(session, ladder, parent, start, today, tz, rng, *, mastered, falling):
    """Practise steps in order: the first `mastered` ones to mastery, then the current one."""
    day = start
    for index, step in enumerate(ladder.steps[:mastered + 1]):
        practices = 4 if index < mastered else 6
        for n in range(practices):
            if day >= today:
                break
            peak = max(0, step.predicted_fear + 2 - (n if falling or index < mastered else 0))
            peak = min(10, peak + (rng.randint(0, 1) if not falling and index == mastered else 0))
            when = datetime.combine(day, time(rng.choice([8, 15, 17]), rng.randint(0, 59)), tz)
            practice = Practice(
                child_id=ladder.child_id, step_id=step.id, logged_by_id=parent.id,
                practiced_at=when, fear_before=max(0, peak - 1), fear_peak=peak,
                fear_after=max(0, peak // 2 - (1 if n > 1 else 0)),
                outcome=rng.choice([Outcome.DID_IT, Outcome.DID_IT, Outcome.PARTLY]),
                small_wins=rng.sample(sorted(SMALL_WINS), k=rng.randint(0, 2)),
                calming_used=ladder.calming_plan[:1],
                idempotency_key=f"demo-{ladder.id}-{step.id}-{n}",
                note="Held my hand at the gate, then let go." if n == 2 else "")
            session.add(practice)
            if falling and index == mastered:
                _predict(session, practice, n, today)
            day += timedelta(days=rng.choice([1, 1, 1, 2]))
        step.status = "mastered" if index < mastered else "current"
        step.mastered_at = datetime.combine(day, time(19), tz) if index < mastered else None
        step.current_since = None if index < mastered else datetime.combine(day, time(19), tz)


def _predict(session, practice: Practice, n: int, today) -> None:
    """A prediction that feels less likely try by try, re-rated days later once asked."""
    practice.prediction = "Everyone will stare at me"
    practice.expected_likelihood = max(25, 100 - 25 * (n // 2))
    practice.prediction_came_true = "partly" if n == 1 else "no"
    practice.outcome_badness = 25 if n == 1 else None
    if (today - practice.practiced_at.date()).days >= RERATE_AFTER_DAYS:
        session.flush()
        session.add(ExpectancyRerating(practice_id=practice.id, child_id=practice.child_id,
                                       likelihood=max(0, practice.expected_likelihood - 25),
                                       rated_by_id=practice.logged_by_id))


def _check_in(session, child, parent, start, today, rng, *, avoiding):
    """Daily check-ins where calm days often came from avoiding, more so in recent weeks."""
    day = start
    while day <= today:
        avoided = rng.random() < (0.25 if (today - day).days > 14 else 0.5)
        distress = rng.randint(0, 3) if avoided else rng.randint(1, 7)
        checkin = DayCheckIn(child_id=child.id, day=day, child_distress=distress,
                             caregiver_distress=rng.randint(2, 8), logged_by_id=parent.id,
                             idempotency_key=f"demo-checkin-{child.id}-{day.isoformat()}")
        if avoided:
            kind = rng.choice(avoiding)
            checkin.avoidances = [Avoidance(
                kind=kind, description="Tummy ache in the morning" if kind == "school" else "",
                accommodations=rng.sample(["kept_home", "reassurance", "excused", "spoke_for"],
                                          k=rng.randint(1, 2)))]
        session.add(checkin)
        day += timedelta(days=1)
