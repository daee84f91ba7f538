"""What a load balancer asks: does the database answer, and when did the scheduler last pass?

The scheduler's heartbeat is a row of MaintenanceTask (name "scheduler_pass"): the same kind of
fact as the prune's row ("this periodic chore last finished at"), so it needs no table of its
own. Every complete reminder pass writes it; web workers read it with one primary-key lookup,
which is also the health check's database query: no ORM objects, no session.

A stale heartbeat does not make the check fail. The web workers serve pages perfectly well
while the scheduler is down, and a load balancer that pulled every worker because one other
process died would turn late reminders into an outage. So the check reports the scheduler as
"stale" (or "never" before its first pass) and leaves the alarm to monitoring.
"""
import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from enum import StrEnum

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session

from ..models import MaintenanceTask, utcnow
from . import claims
from .upserts import insert_for

log = logging.getLogger(__name__)

TASKS = MaintenanceTask.__table__
HEARTBEAT_TASK = "scheduler_pass"
DEFAULT_STALE_AFTER = timedelta(minutes=5)
_LAST_PASS = select(TASKS.c.last_finished_at).where(TASKS.c.name == HEARTBEAT_TASK)


class SchedulerState(StrEnum):
    """How fresh the scheduler's heartbeat is."""

    OK = "ok"
    STALE = "stale"  # no complete pass for longer than the stale threshold
    NEVER = "never"  # no pass has ever completed against this database


@dataclass(frozen=True)
class Health:
    """The answer of one check: the database's state and the scheduler heartbeat's age."""

    database_ok: bool
    scheduler: SchedulerState = SchedulerState.NEVER
    seconds_since_pass: int | None = None


def record_scheduler_pass(session: Session, at: datetime | None = None) -> None:
    """Record that a reminder pass finished at `at` (now by default)."""
    values = {"name": HEARTBEAT_TASK, "last_finished_at": at or utcnow()}
    with claims.write_transaction(session) as connection:
        insert = insert_for(connection.dialect.name, TASKS).values(values)
        connection.execute(insert.on_conflict_do_update(
            index_elements=[TASKS.c.name],
            set_={"last_finished_at": insert.excluded.last_finished_at}))


def check(engine: Engine, stale_after: timedelta = DEFAULT_STALE_AFTER,
          now: datetime | None = None) -> Health:
    """Ask the database for the scheduler's last pass; report what answered and how fresh."""
    try:
        with engine.connect() as connection:
            last = connection.execute(_LAST_PASS).scalar()
    except SQLAlchemyError as e:
        # Logged here for the operator, never shown to whoever asked.
        log.warning("Health check: database unavailable (%s)", e.__class__.__name__)
        return Health(database_ok=False)
    if last is None:
        return Health(database_ok=True)
    age = max(timedelta(0), (now or utcnow()) - last)  # a clock a little ahead reads as 0
    fresh = SchedulerState.OK if age <= stale_after else SchedulerState.STALE
    return Health(database_ok=True, scheduler=fresh, seconds_since_pass=int(age.total_seconds()))
