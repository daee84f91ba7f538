"""What an open live session costs a gunicorn sync worker: the polls, over real HTTP.

    python -m bench.live_poll [--seconds 10]

Seeds a fresh SQLite file with one therapist linked to one child and a live session, serves
it with the repo's gunicorn.conf.py (ONE sync worker, bench/server.py's bare one-query
endpoint beside the app) and asks, one request after another for `--seconds` each:

- the therapist's poll with nothing new (`/therapist/live/<id>/face?v=<current>`: 204),
- the therapist's poll after a tap (no `v`: the 200 fragment with the face),
- the family's poll (`/live/<id>/status`: 204 while open),
- the bare endpoint, the yardstick of `bench.pages`.

One worker serves one request at a time, so requests answered per second back to back is what
that worker can carry. An open session asks 1 + 1/3 times a second (the therapist's screen
every second, the family's every 3 seconds), nearly all of them the 204s.
"""
import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlmodel import Session, create_engine

from graded_exposure import schema
from graded_exposure.models import utcnow
from graded_exposure.services import accounts, families, live_sessions
from graded_exposure.vocabulary import LinkStatus

from .pages import Browser, serve
from .seed_families import PASSWORD

THERAPIST_POLLS_PER_SECOND = 1.0
FAMILY_POLLS_PER_SECOND = 1 / 3


def seed(url: str) -> int:
    """One family with a child, its linked therapist and an open live session; its id."""
    from datetime import timedelta

    from graded_exposure.models import TherapistLink

    schema.upgrade(url)
    engine = create_engine(url)
    with Session(engine) as db:
        parent = accounts.register(db, email="parent@bench.test", password=PASSWORD,
                                   display_name="Parent", role="caregiver")
        child = families.add_child(db, parent, display_name="Mia")
        tara = accounts.register(db, email="tara@bench.test", password=PASSWORD,
                                 display_name="Tara", role="therapist")
        db.add(TherapistLink(therapist_id=tara.id, child_id=child.id, status=LinkStatus.ACTIVE,
                             consented_by_id=parent.id, consented_at=utcnow()))
        db.commit()
        live = live_sessions.start(db, tara, child, timedelta(hours=4))
        live_sessions.rate(db, live, "worried")
        live_id = live.id
    engine.dispose()
    return live_id


def rate(browser: Browser, path: str, expect: int,
         seconds: float) -> tuple[float, float, int, int]:
    """Requests per second answered back to back, their median ms, SQL per request, bytes."""
    for _ in range(20):  # warm up
        browser.request("GET", path, headers={"HX-Request": "true"})
    times, sql, size = [], 0, 0
    ends = time.perf_counter() + seconds
    while time.perf_counter() < ends:
        answer = browser.request("GET", path, headers={"HX-Request": "true"})
        if answer.status != expect:
            raise RuntimeError(f"{path} gave {answer.status}, not {expect}")
        times.append(answer.ms)
        sql, size = answer.sql, len(answer.body)
    return len(times) / sum(times) * 1000, statistics.median(times), sql, size


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--seconds", type=float, default=10.0)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder, open(Path(folder) / "log", "w+b") as log:
        url = f"sqlite:///{Path(folder) / 'live.sqlite'}"
        live_id = seed(url)
        server, port = serve(url, log)
        try:
            tara = Browser(port).log_in("tara@bench.test")
            parent = Browser(port).log_in("parent@bench.test")
            cases = [
                ("therapist poll, nothing new (204)", tara,
                 f"/therapist/live/{live_id}/face?v=1", 204),
                ("therapist poll after a tap (200 fragment)", tara,
                 f"/therapist/live/{live_id}/face", 200),
                ("family poll, still open (204)", parent, f"/live/{live_id}/status", 204),
                ("bare endpoint, one query (200)", tara, "/bench/bare/1", 200),
            ]
            results = {name: rate(browser, path, expect, args.seconds)
                       for name, browser, path, expect in cases}
        finally:
            server.terminate()
            server.wait()
    print(f"One gunicorn sync worker, SQLite, requests back to back for {args.seconds:g} s each:")
    for name, (per_second, median, sql, size) in results.items():
        print(f"  {name:44} {per_second:7.0f} req/s   median {median:5.2f} ms   {sql} SQL"
              f"   {size} bytes")
    poll = results["therapist poll, nothing new (204)"][0]
    family = results["family poll, still open (204)"][0]
    share = THERAPIST_POLLS_PER_SECOND / poll + FAMILY_POLLS_PER_SECOND / family
    print(f"An open session (therapist 1/s, family 1/3 s) uses {share:.1%} of one worker: "
          f"{1 / share:.0f} open sessions would fill it.")
    sys.stdout.flush()


if __name__ == "__main__":
    main()
