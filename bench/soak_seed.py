"""What the soak seeds: bench/seed_families.py's families and therapists, then reminders that
fall due while the load runs.

Seeding goes straight into the database (Core bulk inserts), as the page benchmark does; the
people the load plays then log in over HTTP through the real login form (bench/soak_load.py).
The reminders are written just before the load starts, with their next due moments set into
the run's window directly: each has its own caregiver, so every email it sends can be told
apart at the loopback SMTP server by its recipient alone.
"""
from __future__ import annotations

import random
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Engine, and_, select

from graded_exposure.models import Child, Ladder, Reminder, Step, TherapistLink, User

from . import seed_families

CAREGIVER_EMAIL = "carer%@bench.test"


@dataclass(frozen=True)
class Parent:
    email: str
    children: tuple[tuple[int, int], ...]  # (child id, a step of theirs to log practices on)


@dataclass(frozen=True)
class Therapist:
    email: str
    children: tuple[int, ...]


@dataclass(frozen=True)
class Population:
    parents: tuple[Parent, ...]
    therapists: tuple[Therapist, ...]
    caregivers: tuple[tuple[int, str], ...]  # (user id, email): every caregiver seeded
    seconds: float
    counts: dict[str, int]


@dataclass(frozen=True)
class DueReminder:
    id: int
    email: str  # its caregiver's address, which no other soak reminder shares
    due: datetime


def seed(engine: Engine, families: int, rng: random.Random) -> Population:
    """Fill the migrated database with families and therapists; return who can log in."""
    started = time.perf_counter()
    seeded = seed_families.fill(engine.url.render_as_string(hide_password=False), families, rng,
                                started)
    with engine.connect() as connection:
        return Population(parents=_parents(connection), therapists=_therapists(connection),
                          caregivers=tuple(map(tuple, connection.execute(
                              select(User.id, User.email)
                              .where(User.email.like(CAREGIVER_EMAIL)).order_by(User.id)))),
                          seconds=time.perf_counter() - started, counts=seeded.counts)


def _parents(connection) -> tuple[Parent, ...]:
    """Each seeded caregiver with their family's children and each child's current step."""
    rows = connection.execute(
        select(User.email, Child.id, Step.id)
        .join(Child, Child.family_id == User.family_id)
        .join(Ladder, and_(Ladder.child_id == Child.id, Ladder.status == "active"))
        .join(Step, and_(Step.ladder_id == Ladder.id, Step.status == "current"))
        .where(User.email.like(CAREGIVER_EMAIL))
        .order_by(User.id, Child.id, Step.id))
    found: dict[str, dict[int, int]] = {}
    for email, child_id, step_id in rows:
        found.setdefault(email, {}).setdefault(child_id, step_id)
    return tuple(Parent(email, tuple(children.items())) for email, children in found.items())


def _therapists(connection) -> tuple[Therapist, ...]:
    rows = connection.execute(
        select(User.email, TherapistLink.child_id)
        .join(TherapistLink, and_(TherapistLink.therapist_id == User.id,
                                  TherapistLink.status == "active"))
        .where(User.role == "therapist").order_by(User.id, TherapistLink.child_id))
    found: dict[str, list[int]] = {}
    for email, child_id in rows:
        found.setdefault(email, []).append(child_id)
    return tuple(Therapist(email, tuple(children)) for email, children in found.items())


def due_moments(start: datetime, end: datetime, per_minute: int,
                rng: random.Random) -> list[datetime]:
    """`per_minute` moments in each minute from start to end, at random seconds (whole ones)."""
    moments = []
    minute = start.replace(second=0, microsecond=0)
    while minute < end:
        for _ in range(per_minute):
            at = minute + timedelta(seconds=rng.randrange(60))
            if start <= at < end:
                moments.append(at)
        minute += timedelta(minutes=1)
    return sorted(moments)


def add_due_reminders(engine: Engine, population: Population,
                      moments: list[datetime]) -> list[DueReminder]:
    """Give one caregiver each a reminder due at each moment, in-app and by email.

    A reminder at local time HH:MM in UTC, every day, with its next due moment written
    directly: the dispatcher delivers it at its first pass after that moment, then moves it
    on to the same time tomorrow, so it falls due once during the run.
    """
    if len(moments) > len(population.caregivers):
        raise ValueError(f"{len(moments)} reminders need as many caregivers; "
                         f"seed more families")
    carers = population.caregivers[:len(moments)]
    rows = [{"user_id": uid, "child_id": None, "created_by_id": uid, "kind": "practice",
             "message": "", "weekdays": "1234567", "local_time": at.strftime("%H:%M"),
             "timezone": "UTC", "channels": ["inbox", "email"], "active": True,
             "skip_date": None, "ends_on": None, "next_due_at": at, "claimed_by": "",
             "claimed_until": None, "created_at": at - timedelta(days=1)}
            for (uid, _email), at in zip(carers, moments, strict=True)]
    table = Reminder.__table__
    with engine.begin() as connection:
        ids = [connection.execute(table.insert().returning(table.c.id), row).scalar_one()
               for row in rows]
    return [DueReminder(rid, email, at)
            for rid, (_uid, email), at in zip(ids, carers, moments, strict=True)]
