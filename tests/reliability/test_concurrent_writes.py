"""Four processes writing to one database at once: no "database is locked", no lost rows.

Every process is a fresh Python running `run_writer` below against one migrated database (a
SQLite file in WAL mode with a busy timeout, or PostgreSQL with --db=postgresql). All four log practices and check-ins for the same child, the
check-ins for the same ten days, so they compete for the same rows as well as the same file.
"""
import itertools
import json
import os
import subprocess
import sys
import time
from datetime import date, timedelta
from pathlib import Path

import pytest
from sqlalchemy import func, text
from sqlmodel import Session, select

from graded_exposure.config import ROOT
from graded_exposure.db import make_engine
from graded_exposure.models import (
    Avoidance,
    Child,
    ChildSummary,
    DayCheckIn,
    Practice,
    Step,
    User,
)
from graded_exposure.rules.ladder_templates import TEMPLATES
from graded_exposure.services import accounts, checkins, child_summary, families, ladders

WRITERS = 4
PRACTICES = 50
DAYS = 10
RESENT = 10


def _practice_key(writer: int, n: int) -> str:
    return f"practice-{writer}-{n}"


def run_writer(url: str, writer: str, ids: str, first_day: str, folder: str) -> None:
    """Log practices and check-ins as fast as possible, then re-send some practice keys."""
    from graded_exposure.services import practices

    writer, folder = int(writer), Path(folder)
    child_id, step_id, user_id = map(int, ids.split(","))
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        child, step, user = db.get(Child, child_id), db.get(Step, step_id), db.get(User, user_id)
        _ = child.family.timezone  # loaded now, not in the middle of the race
        (folder / f"ready-{os.getpid()}").touch()
        while not (folder / "go").exists():  # a start line, so the writers really race
            time.sleep(0.005)
        first_ids = {}
        for n in range(PRACTICES):
            details = practices.PracticeDetails(fear_before=(n + writer) % 11, fear_after=0)
            first_ids[n] = practices.log_practice(db, child, step, user, details,
                                                  _practice_key(writer, n)).id
            if n % (PRACTICES // DAYS) == 0:
                day = date.fromisoformat(first_day) + timedelta(days=n // (PRACTICES // DAYS))
                data = checkins.CheckInInput(
                    day=day, child_distress=writer, caregiver_distress=writer,
                    avoidances=[checkins.AvoidanceInput(kind="school", description=str(writer))])
                checkins.save_checkin(db, child, user, data, f"checkin-{writer}-{day}")
        again = practices.PracticeDetails(fear_before=10, fear_after=10)
        same = [practices.log_practice(db, child, step, user, again, _practice_key(writer, n)).id
                == first_ids[n] for n in range(0, PRACTICES, PRACTICES // RESENT)]
    engine.dispose()
    print(json.dumps({"logged": len(set(first_ids.values())), "resent_same": same}))


@pytest.fixture
def database(migrated_database):
    """A migrated database with one caregiver, one child and a ladder from a template."""
    url = migrated_database
    engine = make_engine(url)
    with Session(engine, expire_on_commit=False) as db:
        user = accounts.register(db, email="jo@example.com", password="our family walks to school",
                                 display_name="Jo", role="caregiver")
        child = families.add_child(db, user, display_name="Mia")
        ladder = ladders.create_ladder_from_template(db, child, user, TEMPLATES[0].key)
        ids = f"{child.id},{ladder.steps[0].id},{user.id}"
        first_day = checkins.today_for(child) - timedelta(days=DAYS - 1)
    yield url, engine, ids, first_day
    engine.dispose()


def start(url, writer, ids, first_day, folder):
    code = ("import sys; from tests.reliability.test_concurrent_writes import run_writer; "
            "run_writer(*sys.argv[1:])")
    command = [sys.executable, "-c", code, url, str(writer), ids, first_day.isoformat(),
               str(folder)]
    return subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE,  # noqa: S603
                            stderr=subprocess.PIPE, text=True)


def test_four_processes_write_at_once_without_locking_errors_or_lost_rows(database, tmp_path):
    url, engine, ids, first_day = database
    writers = [start(url, n, ids, first_day, tmp_path) for n in range(WRITERS)]
    deadline = time.monotonic() + 60
    while len(list(tmp_path.glob("ready-*"))) < WRITERS:  # all loaded, then the start line
        assert time.monotonic() < deadline and all(w.poll() is None for w in writers)
        time.sleep(0.01)
    (tmp_path / "go").touch()
    results = []
    for writer in writers:
        out, err = writer.communicate(timeout=120)
        assert "database is locked" not in err
        assert writer.returncode == 0, err
        results.append(json.loads(out.strip().splitlines()[-1]))

    assert all(r["logged"] == PRACTICES for r in results)
    assert all(r["resent_same"] == [True] * RESENT for r in results), results
    with Session(engine) as db:
        stored = db.exec(select(Practice)).all()
        assert len(stored) == WRITERS * PRACTICES
        assert {p.idempotency_key for p in stored} == {
            _practice_key(w, n) for w in range(WRITERS) for n in range(PRACTICES)}
        assert not [p for p in stored if p.fear_before == 10 and p.fear_after == 10]
        order = [p.idempotency_key.split("-")[1] for p in sorted(stored, key=lambda p: p.id)]
        switches = sum(a != b for a, b in itertools.pairwise(order))
        assert switches > WRITERS, f"the writers took turns, no race happened: {order}"
        days = db.exec(select(DayCheckIn).order_by(DayCheckIn.day)).all()
        assert [d.day for d in days] == [first_day + timedelta(days=k) for k in range(DAYS)]
        for checkin in days:  # each day holds one writer's check-in, whole
            writer = checkin.child_distress
            assert checkin.caregiver_distress == writer
            assert checkin.idempotency_key == f"checkin-{writer}-{checkin.day}"
            assert [a.description for a in checkin.avoidances] == [str(writer)]
        assert db.exec(select(func.count()).select_from(Avoidance)).one() == DAYS
    with engine.connect() as connection:  # the caseload's summary kept up with every writer
        child_id = int(ids.split(",")[0])
        stored = connection.execute(select(ChildSummary).where(
            ChildSummary.child_id == child_id)).mappings().one()
        assert dict(stored) == child_summary.summary_of(connection, child_id)
    if engine.dialect.name == "sqlite":
        with engine.connect() as connection:
            assert connection.execute(text("PRAGMA integrity_check")).scalar_one() == "ok"
