"""Keeps the caseload's per-child summaries current: in the commit of every write that changes one.

One home that no write can forget: a Session event notes which children each flush touched
(practices, check-ins and their avoidances, ladders, steps, therapist notes, session records,
a family's time zone) and, just before the commit, rebuilds the parts of those children's rows
the changes reach (child_summary.write), in the same transaction. Explicit calls in every
service would be one more thing each new write path must remember; the event covers them all,
including test factories and the demo data. The one write that bypasses the flush, logging a
practice (the commonest, practices._insert), notes its row through note_inserted. A rollback
takes back the notes of the writes it takes back. db.py imports this module, which registers
the events.
"""
from dataclasses import dataclass, field

from sqlalchemy import event, inspect, select
from sqlalchemy.engine import Connection
from sqlalchemy.orm import Session

from ..models import (
    Avoidance,
    Child,
    DayCheckIn,
    Family,
    Ladder,
    Practice,
    Step,
    TherapistNote,
    TherapySession,
)
from .child_summary import (
    AVOIDANCES,
    HOPELESS_SESSIONS,
    PRACTICE_DAYS,
    STEPS,
    add_practices,
    write,
)

TOUCHED = "child_summary_touched"  # the key in Session.info
# What a row's practice days (days, streaks, stars, small wins) and steps (fear trends, the
# current steps' readiness) read of a practice. A change to nothing else (a note, a
# prediction's words, the child's faces beside the caregiver's numbers) leaves the row as it
# was, and rebuilding those parts reads the child's whole history.
PRACTICE_FACTS = ("child_id", "step_id", "practiced_at", "fear_before", "fear_peak",
                  "fear_after", "outcome", "small_wins", "context_where", "context_with",
                  "safety_used")


@dataclass
class Touched:
    """What a transaction's flushes changed: the parts to rebuild, by ids leading to children.

    A step or ladder deleted takes its practices with it (the database cascades), so those
    rebuild the practice days too. A family's time zone moves every stored local day.
    """

    children: dict[int, set[str]] = field(default_factory=dict)
    ladders: dict[int, set[str]] = field(default_factory=dict)
    checkins: set[int] = field(default_factory=set)
    families: set[int] = field(default_factory=set)
    # Practices logged, by child: folded into the row (child_summary.add_practices) when
    # nothing else of the child changed, the common write.
    added: dict[int, list[Practice]] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return bool(self.children or self.ladders or self.checkins or self.families
                    or self.added)

    def undo_added(self) -> None:
        """Practices noted as logged were rolled back (to a savepoint): what else the
        transaction wrote stays, so their children's rows are rebuilt from what is stored."""
        for child_id in self.added:
            self.children.setdefault(child_id, set()).update({PRACTICE_DAYS, STEPS})
        self.added.clear()

    def note_new(self, obj) -> None:
        if isinstance(obj, Practice):
            self.added.setdefault(obj.child_id, []).append(obj)
        else:
            self.note(obj)

    def note(self, obj, deleted: bool = False) -> None:
        if isinstance(obj, Practice):
            _add(self.children, obj, "child_id", _practice_parts(obj, deleted))
        elif isinstance(obj, Ladder):
            _add(self.children, obj, "child_id", _ladder_parts(deleted))
        elif isinstance(obj, DayCheckIn):
            _add(self.children, obj, "child_id", {AVOIDANCES})
        elif isinstance(obj, TherapistNote):
            _add(self.children, obj, "child_id", set())
        elif isinstance(obj, TherapySession):
            _add(self.children, obj, "child_id", {HOPELESS_SESSIONS})
        elif isinstance(obj, Avoidance):
            _add(self.checkins, obj, "checkin_id")
        elif isinstance(obj, Step):
            _add(self.ladders, obj, "ladder_id", _ladder_parts(deleted))
        elif isinstance(obj, Family) and inspect(obj).attrs.timezone.history.has_changes():
            self.families.add(obj.id)

    def parts_by_child(self, connection: Connection) -> dict[int, frozenset[str]]:
        found = {child_id: set(parts) for child_id, parts in self.children.items()}

        def reach(column, key, ids, parts_of) -> None:
            for child_id, id_ in connection.execute(select(column, key).where(key.in_(ids))):
                found.setdefault(child_id, set()).update(parts_of(id_))

        if self.ladders:
            reach(Ladder.child_id, Ladder.id, list(self.ladders), self.ladders.__getitem__)
        if self.checkins:
            reach(DayCheckIn.child_id, DayCheckIn.id, list(self.checkins),
                  lambda _id: {AVOIDANCES})
        if self.families:
            reach(Child.id, Child.family_id, list(self.families),
                  lambda _id: {PRACTICE_DAYS, STEPS})
        return {child_id: frozenset(parts) for child_id, parts in found.items()}


def _practice_parts(practice: Practice, deleted: bool) -> set[str]:
    history = inspect(practice).attrs
    if deleted or any(history[name].history.has_changes() for name in PRACTICE_FACTS):
        return {PRACTICE_DAYS, STEPS}
    return set()


def _ladder_parts(deleted: bool) -> set[str]:
    """A ladder or step changed: its steps' part. Deleted, it took its practices with it."""
    return {PRACTICE_DAYS, STEPS} if deleted else {STEPS}


def _add(ids: dict | set, obj, name: str, parts: set[str] | None = None) -> None:
    state = inspect(obj)
    # A deleted row cannot be reloaded to answer: read what was loaded before the delete.
    value = state.dict.get(name) if state.deleted else getattr(obj, name)
    if value is None:
        return
    if parts is None:
        ids.add(value)
    else:
        ids.setdefault(value, set()).update(parts)


def note_inserted(session: Session, practice: Practice) -> None:
    """A practice stored by its own INSERT, not by a flush (practices.log_practice): noted as
    the flush would have noted it."""
    session.info.setdefault(TOUCHED, Touched()).note_new(practice)


@event.listens_for(Session, "after_flush")
def _note_touched(session: Session, _context) -> None:
    touched = session.info.setdefault(TOUCHED, Touched())
    for obj in session.new:
        touched.note_new(obj)
    for obj in session.dirty:
        touched.note(obj)
    for obj in session.deleted:
        touched.note(obj, deleted=True)


@event.listens_for(Session, "after_soft_rollback")
def _forget_rolled_back(session: Session, previous_transaction) -> None:
    """A rollback takes back what was noted with its writes: all of it when the whole
    transaction goes; at a savepoint, the practices noted as logged are rebuilt instead of
    folded (a rebuild of a child noted for other writes reads only what is stored)."""
    touched = session.info.get(TOUCHED)
    if touched is None:
        return
    if previous_transaction.nested:
        touched.undo_added()
    elif previous_transaction.parent is None:
        session.info.pop(TOUCHED)


@event.listens_for(Session, "before_commit")
def _refresh_touched(session: Session) -> None:
    session.flush()  # the commit flushes after this event; what it would write counts too
    touched = session.info.pop(TOUCHED, None)
    if not touched:
        return
    connection = session.connection()
    rebuilt = touched.parts_by_child(connection)
    for child_id in sorted(set(rebuilt) | set(touched.added)):
        if child_id in touched.added and child_id not in rebuilt and add_practices(
                connection, child_id, touched.added[child_id]):
            continue
        parts = rebuilt.get(child_id, frozenset())
        write(connection, child_id, parts | ({PRACTICE_DAYS, STEPS}
                                             if child_id in touched.added else set()))
