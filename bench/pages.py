"""Benchmark the main pages and actions against a bare endpoint on the same seeded database.

    .venv/bin/python -m bench.pages [--families 2000] [--requests 30]

Seeds a fresh, migrated SQLite file (Core bulk inserts) with families, children, ladders from
the templates, a year of practices and daily check-ins, therapists with caseloads and
reminders; then times each page with the Flask test client (median and p95 of N requests after
a warm-up) and reports it as a ratio to a bare endpoint doing one indexed query. It also counts
SQL statements per request and weighs the home page. A report, not a test: nothing is asserted
about time.
"""
import argparse
import gzip
import logging
import random
import re
import statistics
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from uuid import uuid4

from sqlalchemy import event, select

from graded_exposure import create_app
from graded_exposure.db import get_session
from graded_exposure.models import (
    Practice,
)

from .seed_families import PASSWORD, Row, Seeded, seed

STATIC = ("static/css/app.css", "static/js/app.js", "static/vendor/htmx.min.js")


def make_app(url: str):
    """The app on the seeded database, a bare one-query endpoint, and a SQL statement counter."""
    app = create_app({"DATABASE_URL": url, "SECRET_KEY": "bench", "WTF_CSRF_ENABLED": False})
    logging.getLogger("werkzeug").setLevel(logging.WARNING)

    def bare(child_id: int):
        found = get_session().exec(select(Practice.id).where(Practice.child_id == child_id)
                                   .order_by(Practice.id.desc()).limit(1)).first()
        return f"ok {found}"

    app.add_url_rule("/bench/bare/<int:child_id>", "bench_bare", bare)
    counter = [0]

    def count(*_args):
        counter[0] += 1

    event.listen(app.extensions["db_engine"], "before_cursor_execute", count)
    return app, counter


def login(app, email: str):
    """A test client logged in through the real login form."""
    client = app.test_client()
    response = client.post("/login", data={"email": email, "password": PASSWORD})
    if response.status_code not in (302, 303):
        raise RuntimeError(f"login as {email} failed: {response.status_code}")
    return client


def _key_field(client, url: str) -> str:
    html = client.get(url).get_data(as_text=True)
    match = re.search(r'name="(idempotency_key)"', html)
    if not match:
        raise RuntimeError(f"no idempotency key field on {url}")
    return match.group(1)


def time_page(client, counter, method, url, data=None, headers=None, expect=200,
              requests=30, warmup=3) -> tuple[float, float, float]:
    """Median and p95 ms per request, and SQL statements per request."""
    samples, statements = [], 0
    for n in range(warmup + requests):
        body = data() if data else None
        before = counter[0]
        started = time.perf_counter()
        response = client.open(url, method=method, data=body, headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != expect:
            raise RuntimeError(f"{method} {url} gave {response.status_code}, expected {expect}")
        if n >= warmup:
            samples.append(elapsed * 1000)
            statements += counter[0] - before
    samples.sort()
    p95 = samples[min(len(samples) - 1, round(0.95 * (len(samples) - 1)))]
    return statistics.median(samples), p95, statements / len(samples)


def measure(seeded: Seeded, requests: int, warmup: int = 3) -> dict:
    """Time every page and action; return rows, sizes and SQL counts."""
    app, counter = make_app(seeded.url)
    carer, therapist = login(app, seeded.carer_email), login(app, seeded.therapist_email)
    anonymous = app.test_client()
    child, tchild = seeded.child_id, seeded.therapist_child_id
    key = _key_field(carer, f"/children/{child}/practices/new")
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    htmx = {"HX-Request": "true"}
    cases = [
        ("bare endpoint (1 query)", anonymous, "GET", f"/bench/bare/{child}", None, None, 200),
        ("child home", carer, "GET", f"/children/{child}", None, None, 200),
        ("practice form", carer, "GET", f"/children/{child}/practices/new", None, None, 200),
        ("log practice POST", carer, "POST", f"/children/{child}/practices",
         lambda: {"step": seeded.step_id, "fear_before": 6, "fear_after": 3,
                  "outcome": "did_it", key: uuid4().hex}, None, 303),
        ("check-in POST", carer, "POST", f"/children/{child}/checkin",
         lambda: {"day": day, "child_distress": 4, "caregiver_distress": 3,
                  key: uuid4().hex}, None, 303),
        ("insights", carer, "GET", f"/children/{child}/insights", None, None, 200),
        ("ladder", carer, "GET", f"/ladders/{seeded.ladder_id}", None, None, 200),
        ("ladder progress", carer, "GET", f"/ladders/{seeded.ladder_id}/progress", None, None,
         200),
        ("weekly summary", carer, "GET", f"/children/{child}/week", None, None, 200),
        ("practices partial (htmx)", carer, "GET", f"/children/{child}/practices", None, htmx,
         200),
        (f"caseload ({seeded.caseloads[1]} children)", therapist, "GET", "/", None, None, 200),
        ("therapist child page", therapist, "GET", f"/therapist/children/{tchild}", None, None,
         200),
        ("session summary", therapist, "GET", f"/therapist/children/{tchild}/summary", None,
         None, 200),
    ]
    rows = [Row(name, *time_page(client, counter, method, url, data, headers, expect,
                                 requests, warmup))
            for name, client, method, url, data, headers, expect in cases]
    for row in rows:
        row.ratio = row.median_ms / rows[0].median_ms
    small = login(app, seeded.small_therapist_email)
    before = counter[0]
    small.get("/")
    small_sql = counter[0] - before
    home = carer.get(f"/children/{child}").get_data()
    partial = carer.get(f"/children/{child}/practices", headers=htmx).get_data()
    assets = [home] + [(Path(app.root_path).parent / p).read_bytes() for p in STATIC]
    return {"rows": rows, "home": _sizes(home), "partial": _sizes(partial),
            "first_load": (sum(len(a) for a in assets),
                           sum(len(gzip.compress(a)) for a in assets)),
            "caseload_sql": {seeded.caseloads[0]: small_sql,
                             seeded.caseloads[1]: rows[10].sql}}


def _sizes(body: bytes) -> tuple[int, int]:
    return len(body), len(gzip.compress(body))


def print_report(seeded: Seeded, report: dict, requests: int) -> None:
    """Print the seed summary and the table."""
    counts = ", ".join(f"{name} {n:,}" for name, n in sorted(seeded.counts.items()))
    print(f"Seeded in {seeded.seconds:.1f} s: {counts}")
    print(f"\n{requests} timed requests each after a warm-up; ratio = median / bare median")
    print(f"{'page / action':<28}{'ratio':>7}{'median ms':>11}{'p95 ms':>9}{'SQL/req':>9}")
    for row in report["rows"]:
        print(f"{row.name:<28}{row.ratio:>7.1f}{row.median_ms:>11.2f}{row.p95_ms:>9.2f}"
              f"{row.sql:>9.1f}")
    for label, key in (("child home HTML", "home"), ("practices partial", "partial"),
                       ("home first load (HTML+CSS+JS)", "first_load")):
        raw, packed = report[key]
        print(f"{label:<30} {raw / 1024:7.1f} KiB raw, {packed / 1024:6.1f} KiB gzip")
    sql = ", ".join(f"{n} children: {s:.0f}" for n, s in sorted(report["caseload_sql"].items()))
    print(f"caseload SQL statements by caseload size: {sql}")


def main() -> None:
    """Seed, measure, print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()
    logging.basicConfig(level=logging.WARNING)
    with tempfile.TemporaryDirectory() as folder:
        seeded = seed(Path(folder), args.families, random.Random(7))
        report = measure(seeded, args.requests)
        print_report(seeded, report, args.requests)


if __name__ == "__main__":
    main()
