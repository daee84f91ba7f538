"""Seed a realistic Brave Steps database fast (Core bulk inserts), for the page benchmark.

Families with children, ladders from the templates, a year of practices and daily check-ins,
therapists with caseloads, and reminders.
"""
import logging
import random
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path

from sqlalchemy import create_engine, func, select
from sqlmodel import SQLModel

from graded_exposure import schema
from graded_exposure.models import (
    Avoidance,
    Child,
    DayCheckIn,
    Family,
    Ladder,
    Practice,
    Reminder,
    Step,
    SubStep,
    TherapistLink,
    TherapistNote,
    User,
)
from graded_exposure.rules.ladder_templates import TEMPLATES
from graded_exposure.rules.practice_rules import OUTCOMES, SMALL_WINS
from graded_exposure.services import child_summary
from graded_exposure.services.accounts import hash_password

PASSWORD = "bench-password-123"  # noqa: S105 - throwaway users in a temporary database
ZONES = ("Europe/London", "Europe/Paris", "America/New_York", "Australia/Sydney", "Asia/Kolkata")
CHUNK = 20_000
# Practices of the children whose home page cost is measured against the size of history.
HISTORY_SIZES = (100, 500, 1000, 2000)
# The first therapist's caseload is the one every page is timed with; the others give the curve.
CASELOAD_SIZES = (150, 600, 55)
_PARENTS_FIRST = {table.name: n for n, table in enumerate(SQLModel.metadata.sorted_tables)}


@dataclass
class Seeded:
    url: str
    counts: dict[str, int]
    seconds: float
    carer_email: str
    child_id: int
    ladder_id: int
    step_id: int
    therapist_email: str
    therapist_child_id: int
    small_therapist_email: str
    caseloads: tuple[int, int]
    # practices logged -> (caregiver email, child id): one child each, two years of history
    history: dict[int, tuple[str, int]]
    # caseload size -> therapist email
    therapists: dict[int, str]


@dataclass
class Row:
    name: str
    median_ms: float
    p95_ms: float
    sql: float
    ratio: float = 0.0


class Inserter:
    """Buffer rows per table and insert them in executemany chunks, parents first.

    A full buffer flushes every buffer, in the order of the tables' foreign keys: PostgreSQL
    checks a foreign key at each insert, so a child row must never go in before its parent.
    """

    def __init__(self, connection):
        self.connection, self.buffers, self.counts = connection, {}, {}

    def add(self, model, row: dict) -> None:
        buffer = self.buffers.setdefault(model, [])
        buffer.append(row)
        if len(buffer) >= CHUNK:
            self.flush()

    def flush(self) -> None:
        for m in sorted(self.buffers, key=lambda m: _PARENTS_FIRST[m.__tablename__]):
            rows = self.buffers[m]
            if rows:
                self.connection.execute(m.__table__.insert(), rows)
                self.counts[m.__tablename__] = self.counts.get(m.__tablename__, 0) + len(rows)
                rows.clear()


def seed(folder: Path, families: int, rng: random.Random) -> Seeded:
    """Create and fill a migrated SQLite database; return what the measurements need."""
    started = time.perf_counter()
    url = f"sqlite:///{folder / 'bench.sqlite'}"
    schema.upgrade(url)
    logging.getLogger("alembic").setLevel(logging.WARNING)
    return fill(url, families, rng, started)


def fill(url: str, families: int, rng: random.Random, started: float) -> Seeded:
    """Fill an empty, migrated database (SQLite or PostgreSQL); return what was seeded."""
    now = datetime.now(UTC)
    engine = create_engine(url)
    ids = {"user": 0, "child": 0, "ladder": 0, "step": 0, "checkin": 0, "practice": 0}

    def next_id(kind: str) -> int:
        ids[kind] += 1
        return ids[kind]

    password_hash = hash_password(PASSWORD)
    children: list[tuple[int, int]] = []  # (child id, first caregiver id)
    typical = None
    with engine.begin() as connection:
        ins = Inserter(connection)
        for family_id in range(1, families + 1):
            tz = ZONES[family_id % len(ZONES)]
            ins.add(Family, {"id": family_id, "timezone": tz, "created_at": now - timedelta(400)})
            carers = [next_id("user") for _ in range(rng.choice((1, 1, 2)))]
            for uid in carers:
                ins.add(User, _user(uid, f"carer{uid}@bench.test", "caregiver", family_id,
                                    password_hash, now))
                for n in range(rng.randint(1, 2)):
                    ins.add(Reminder, _reminder(uid, None, tz, now, n))
            for _ in range(rng.randint(1, 3)):
                child_id = next_id("child")
                children.append((child_id, carers[0]))
                ins.add(Child, {"id": child_id, "family_id": family_id,
                                "display_name": f"Child {child_id}", "age_band": "6-8",
                                "avatar": "", "created_at": now - timedelta(380)})
                ladder_ids, step_id, active = _child_year(ins, next_id, rng, child_id, carers[0],
                                                          now)
                if typical is None and active and family_id > families // 2:
                    typical = (f"carer{carers[0]}@bench.test", child_id, ladder_ids[0], step_id)
        if typical is None:
            child_id, carer = children[0]
            typical = (f"carer{carer}@bench.test", child_id, 1, 1)
        caseloads = _therapists(ins, next_id, rng, children, password_hash, now)
        history = {size: _history_child(ins, next_id, rng, families + n + 1, size, password_hash,
                                        now)
                   for n, size in enumerate(HISTORY_SIZES)}
        ins.flush()
        child_summary.rebuild_all(connection)  # Core inserts bypass the Session events
        _advance_sequences(connection, ins.counts)
    engine.dispose()
    big = next((c for c in caseloads if c[1] == CASELOAD_SIZES[0]), caseloads[0])
    small = caseloads[-1]
    return Seeded(url=url, counts=ins.counts, seconds=time.perf_counter() - started,
                  carer_email=typical[0], child_id=typical[1], ladder_id=typical[2],
                  step_id=typical[3], therapist_email=big[0], therapist_child_id=big[2],
                  small_therapist_email=small[0], caseloads=(small[1], big[1]),
                  history=history, therapists={size: email for email, size, _ in caseloads})


def _advance_sequences(connection, counts: dict[str, int]) -> None:
    """Move PostgreSQL's id sequences past the ids given explicitly above.

    Rows inserted with their own ids leave a serial column's sequence at 1, so the app's first
    insert into such a table would collide with a seeded id. SQLite needs nothing: it takes
    the next id from the table's largest.
    """
    if connection.dialect.name != "postgresql":
        return
    for name in counts:
        table = SQLModel.metadata.tables[name]
        after_last = select(func.coalesce(func.max(table.c.id), 0) + 1).scalar_subquery()
        connection.execute(select(func.setval(
            func.pg_get_serial_sequence(f'"{name}"', "id"), after_last, False)))


def _user(uid, email, role, family_id, password_hash, now) -> dict:
    return {"id": uid, "email": email, "display_name": f"User {uid}", "role": role,
            "password_hash": password_hash, "family_id": family_id,
            "created_at": now - timedelta(400)}


def _reminder(user_id, child_id, tz, now, n) -> dict:
    return {"user_id": user_id, "child_id": child_id, "created_by_id": user_id,
            "kind": "practice", "message": "", "weekdays": "12345" if n == 0 else "67",
            "local_time": "18:00", "timezone": tz, "channels": ["inbox"], "active": True,
            "skip_date": None, "ends_on": None, "next_due_at": now + timedelta(hours=5 + n),
            "claimed_by": "", "claimed_until": None, "created_at": now - timedelta(300)}


def _child_year(ins, next_id, rng, child_id, carer, now):
    """Ladders with steps, a year of practices and check-ins for one child."""
    active = rng.random() < 0.8
    start = now - timedelta(days=365)
    ladders = []  # (ladder id, [(step id, predicted fear)], current index)
    for template in rng.sample(TEMPLATES, rng.choice((1, 1, 2))):
        ladder_id = next_id("ladder")
        ins.add(Ladder, {
            "id": ladder_id, "child_id": child_id, "goal": template.goal, "area": template.area,
            "status": "active", "template_key": template.key,
            "calming_plan": list(template.calming),
            "created_by_id": carer, "created_at": start, "archived_at": None,
            "mastery_min_practices": 3, "mastery_min_days": 2, "mastery_max_peak": 3,
            "mastery_count_halving": True, "updated_by_id": None, "updated_at": None})
        current = rng.randint(1, 6) if active else 0
        steps = []
        for position, t in enumerate(template.steps[:10]):
            step_id = next_id("step")
            status = "mastered" if position < current else "current" if position == current \
                else "upcoming"
            done_at = start + timedelta(days=365 * (position + 1) / (current + 1))
            ins.add(Step, {"id": step_id, "ladder_id": ladder_id, "position": position + 1,
                           "title": t.title, "detail": t.detail, "predicted_fear": t.fear,
                           "social_story": " ".join(t.story), "status": status,
                           "created_at": start,
                           "current_since": done_at if status == "current" else None,
                           "mastered_at": done_at if status == "mastered" else None})
            for n, text in enumerate(t.substeps):
                ins.add(SubStep, {"step_id": step_id, "position": n, "text": text,
                                  "done": status == "mastered"})
            steps.append((step_id, t.fear))
        ladders.append((ladder_id, steps, current, list(template.calming)))
    weeks = 52 if active else 4
    for week in range(weeks):
        for _ in range(rng.randint(3, 5)):
            when = start + timedelta(days=week * 7 + rng.random() * 7)
            ladder_id, steps, current, calming = rng.choice(ladders)
            index = min(current, int((when - start).days / 365 * (current + 1)))
            step_id, fear = steps[index]
            before = max(0, min(10, fear + rng.randint(-2, 2)))
            after = max(0, before - rng.randint(0, 4))
            pid = next_id("practice")
            ins.add(Practice, {
                "id": pid, "child_id": child_id, "step_id": step_id, "logged_by_id": carer,
                "practiced_at": when, "fear_before": before, "fear_peak": min(10, before + 1),
                "fear_after": after, "outcome": rng.choice(list(OUTCOMES)), "prediction": "",
                "prediction_came_true": "", "calming_used": rng.sample(calming, rng.randint(0, 2)),
                "safety_behaviours": "",
                "small_wins": rng.sample(list(SMALL_WINS), rng.randint(0, 2)),
                "note": "" if rng.random() < 0.8 else "Went better than we expected.",
                "idempotency_key": f"p{pid}", "created_at": when, "updated_at": when})
    for day in range(365 if active else 14):
        if rng.random() < 0.75:
            _checkin(ins, next_id, rng, child_id, carer, start + timedelta(days=day, hours=20),
                     ("school", "social"))
    ins.add(Reminder, _reminder(carer, child_id, "UTC", now, 2))
    first_ladder = ladders[0]
    return [ladder[0] for ladder in ladders], first_ladder[1][first_ladder[2]][0], active


def _checkin(ins, next_id, rng, child_id, carer, stamp, kinds) -> None:
    """One evening check-in, with an avoidance one day in seven or so."""
    cid = next_id("checkin")
    ins.add(DayCheckIn, {
        "id": cid, "child_id": child_id, "day": stamp.date(),
        "child_distress": rng.randint(0, 8), "caregiver_distress": rng.randint(0, 8),
        "logged_by_id": carer, "idempotency_key": f"c{cid}", "created_at": stamp,
        "updated_at": stamp})
    if rng.random() < 0.15:
        ins.add(Avoidance, {"checkin_id": cid, "kind": rng.choice(kinds), "description": "",
                            "accommodations": ["reassurance"], "accommodation_note": ""})


def _therapists(ins, next_id, rng, children, password_hash, now):
    """Therapists with CASELOAD_SIZES children (as far as there are children), then a few more
    with random caseloads; return (email, size, a child) for each, the largest first."""
    pool = list(children)
    rng.shuffle(pool)
    sizes = list(CASELOAD_SIZES) + [rng.randint(30, 149) for _ in range(3)]
    result = []
    for size in sizes:
        size = min(len(pool), size)
        if size == 0:
            break
        linked, pool = pool[:size], pool[size:]
        uid = next_id("user")
        email = f"therapist{uid}@bench.test"
        ins.add(User, _user(uid, email, "therapist", None, password_hash, now))
        for child_id, carer in linked:
            ins.add(TherapistLink, {
                "therapist_id": uid, "child_id": child_id, "status": "active", "code_hash": "",
                "invited_email": "", "shared_scope": "", "created_by_id": uid,
                "created_at": now - timedelta(200), "expires_at": None,
                "consented_by_id": carer, "consented_at": now - timedelta(199),
                "ended_by_id": None, "ended_at": None, "last_session_on": None,
                "practice_target_days": 5})
            for k in range(rng.randint(0, 3)):
                ins.add(TherapistNote, {
                    "child_id": child_id, "ladder_id": None, "author_id": uid,
                    "kind": "homework" if k == 0 else "note", "text": "Practise the step daily.",
                    "created_at": now - timedelta(days=30 * k + 1), "seen_at": None,
                    "done_at": None})
        result.append((email, size, linked[len(linked) // 2][0]))
    result.sort(key=lambda r: -r[1])
    return result


def _history_child(ins, next_id, rng, family_id, practices, password_hash, now):
    """A family whose one child has `practices` practices and daily check-ins over two years."""
    uid = next_id("user")
    email = f"history{practices}@bench.test"
    ins.add(Family, {"id": family_id, "timezone": "Europe/London",
                     "created_at": now - timedelta(800)})
    ins.add(User, _user(uid, email, "caregiver", family_id, password_hash, now))
    child_id = next_id("child")
    ins.add(Child, {"id": child_id, "family_id": family_id, "display_name": f"Child {child_id}",
                    "age_band": "6-8", "avatar": "", "created_at": now - timedelta(780)})
    template = TEMPLATES[0]
    ladder_id = next_id("ladder")
    start = now - timedelta(days=730)
    ins.add(Ladder, {
        "id": ladder_id, "child_id": child_id, "goal": template.goal, "area": template.area,
        "status": "active", "template_key": template.key, "calming_plan": list(template.calming),
        "created_by_id": uid, "created_at": start, "archived_at": None,
        "mastery_min_practices": 3, "mastery_min_days": 2, "mastery_max_peak": 3,
        "mastery_count_halving": True, "updated_by_id": None, "updated_at": None})
    steps = []
    for position, t in enumerate(template.steps):
        step_id = next_id("step")
        status = "current" if position == len(template.steps) - 1 else "mastered"
        ins.add(Step, {"id": step_id, "ladder_id": ladder_id, "position": position + 1,
                       "title": t.title, "detail": t.detail, "predicted_fear": t.fear,
                       "social_story": "", "status": status, "created_at": start,
                       "current_since": now - timedelta(days=20) if status == "current" else None,
                       "mastered_at": now - timedelta(days=30) if status == "mastered" else None})
        steps.append(step_id)
    for n in range(practices):
        when = start + timedelta(days=730 * (n + rng.random()) / practices)
        step_id = steps[min(len(steps) - 1, n * len(steps) // practices)]
        pid = next_id("practice")
        before = rng.randint(2, 8)
        ins.add(Practice, {
            "id": pid, "child_id": child_id, "step_id": step_id, "logged_by_id": uid,
            "practiced_at": when, "fear_before": before, "fear_peak": min(10, before + 1),
            "fear_after": max(0, before - 3), "outcome": rng.choice(list(OUTCOMES)),
            "prediction": "", "prediction_came_true": "", "calming_used": [],
            "safety_behaviours": "", "small_wins": rng.sample(list(SMALL_WINS), 1), "note": "",
            "idempotency_key": f"p{pid}", "created_at": when, "updated_at": when})
    for day in range(730):
        _checkin(ins, next_id, rng, child_id, uid, start + timedelta(days=day, hours=20),
                 ("school",))
    return email, child_id
