"""Test data shared by several test modules: rows built straight in the database."""
from sqlmodel import Session

from graded_exposure.models import (
    InboxMessage,
    Ladder,
    Practice,
    Reminder,
    Step,
    SubStep,
    TherapistLink,
    TherapistNote,
    utcnow,
)
from graded_exposure.services import accounts
from tests.conftest import PASSWORD


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
    db.add_all([substep, practice, reminder, message, link, note])
    db.commit()
    return {"child_id": family.child.id, "ladder_id": ladder.id, "step_id": step.id,
            "substep_id": substep.id, "practice_id": practice.id,
            "reminder_id": reminder.id, "message_id": message.id, "link_id": link.id,
            "note_id": note.id}
