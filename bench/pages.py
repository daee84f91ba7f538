"""Benchmark the main pages over real HTTP against a bare one-query endpoint, in one run.

    .venv/bin/python -m bench.pages [--families 2000] [--rounds 200] [--curve-rounds 40]
                                    [--pages ladder,"ladder progress"] [--db-dir DIR]
                                    [--repeat 3]

Seeds a fresh, migrated SQLite file (Core bulk inserts: families, children, ladders from the
templates, a year of practices and daily check-ins, therapists with caseloads of 150, 600 and
55 children, and four children with 100 to 2,000 practices over two years), then serves it with
gunicorn (the repo's gunicorn.conf.py, one sync worker, bench/server.py adding the bare
endpoint and a per-request SQL statement count). Requests are interleaved round by round: each
round asks every page once, so a slow moment of the machine hits every page alike. It prints
p50/p95/p99 per page, the p50 ratio to the bare endpoint, p99/p50, SQL statements per request,
the home page's cost against the size of history, the caseload's against its size, and what
the first load of the home page weighs on the wire. A report, not a test: nothing is asserted.

--pages times only the named pages beside the bare endpoint (no curves, no sizes), for quick
runs while working on a few pages. --db-dir keeps the seeded database in DIR and reuses it on the
next run (seeding 2,000 families takes minutes), upgraded first to the checkout's migrations.
Every run serves a copy of the seeded file, so the timed POSTs' rows never carry over into the
next run or repeat.

--repeat N serves the same database N times over (a new gunicorn each time) and ends with each
page's ratio in every run and their median. The bare endpoint is mostly fixed HTTP cost, and
the machine's state moves it more than the pages between runs (2.48 and 3.14 ms p50 in two
runs minutes apart, session 9), so one run's ratio can sit 0.3 either side of a goal; the
median of several says which side it is on.
"""
import argparse
import http.client
import json
import os
import random
import re
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time
from contextlib import closing
from dataclasses import asdict, dataclass, field, replace
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode
from uuid import uuid4

from graded_exposure import schema

from .seed_families import PASSWORD, Seeded, seed

ROOT = Path(__file__).resolve().parent.parent
HTMX = {"HX-Request": "true"}
GZIP = {"Accept-Encoding": "gzip"}


@dataclass
class Answer:
    status: int
    headers: http.client.HTTPMessage
    body: bytes
    ms: float
    sql: int


class Browser:
    """One visitor: a cookie jar and plain http.client requests (gunicorn's sync workers close
    the connection after each response, so every request opens its own, as on a phone)."""

    def __init__(self, port: int):
        self.port, self.cookies = port, {}
        self.csrf = ""

    def request(self, method: str, path: str, form: dict | None = None,
                headers: dict | None = None) -> Answer:
        sent = dict(headers or {})
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        body = None
        if form is not None:
            body = urlencode({"csrf_token": self.csrf, **form})
            sent["Content-Type"] = "application/x-www-form-urlencoded"
        started = time.perf_counter()
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=60)
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        data = response.read()
        elapsed = (time.perf_counter() - started) * 1000
        connection.close()
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return Answer(response.status, response.headers, data, elapsed,
                      int(response.headers.get("X-Bench-SQL", 0)))

    def log_in(self, email: str) -> "Browser":
        self.csrf = csrf_token(self.request("GET", "/login").body)
        answer = self.request("POST", "/login", {"email": email, "password": PASSWORD})
        if answer.status not in (302, 303):
            raise RuntimeError(f"login as {email} failed: {answer.status}")
        landing = self.request("GET", "/")
        if landing.status in (302, 303):
            landing = self.request("GET", landing.headers["Location"])
        self.csrf = csrf_token(landing.body)
        return self


def csrf_token(html: bytes) -> str:
    match = re.search(rb'name="csrf_token"[^>]*value="([^"]+)"', html) or re.search(
        rb'"X-CSRFToken": "([^"]+)"', html)
    return match.group(1).decode() if match else ""


@dataclass
class Case:
    name: str
    browser: Browser
    method: str
    path: str
    form: object = None  # a callable giving a fresh form for each request
    headers: dict | None = None
    expect: tuple = (200,)
    samples: list[float] = field(default_factory=list)
    sql: list[int] = field(default_factory=list)

    def run(self, keep: bool) -> None:
        answer = self.browser.request(self.method, self.path,
                                      self.form() if self.form else None, self.headers)
        if answer.status not in self.expect:
            raise RuntimeError(f"{self.method} {self.path} gave {answer.status}")
        if keep:
            self.samples.append(answer.ms)
            self.sql.append(answer.sql)

    def percentile(self, p: float) -> float:
        ordered = sorted(self.samples)
        return ordered[min(len(ordered) - 1, round(p * (len(ordered) - 1)))]


def interleave(cases: list[Case], rounds: int, warmup: int) -> None:
    for n in range(warmup + rounds):
        for case in cases:
            case.run(keep=n >= warmup)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def serve(url: str, log) -> tuple[subprocess.Popen, int]:
    """Start gunicorn (one sync worker) on the seeded database; return it once it answers."""
    port = free_port()
    env = {**os.environ, "DATABASE_URL": url, "SECRET_KEY": "bench", "WEB_CONCURRENCY": "1",
           "BIND": f"127.0.0.1:{port}", "BASE_URL": f"http://127.0.0.1:{port}",
           "PYTHONPATH": str(ROOT)}
    env.pop("RUN_SCHEDULER", None)
    server = subprocess.Popen(  # noqa: S603 - our own gunicorn, fixed arguments
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"),
         "--access-logfile", "/dev/null", "bench.server:create()"],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            if Browser(port).request("GET", "/bench/bare/1").status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    server.wait()
    log.seek(0)
    raise RuntimeError("gunicorn did not start: " + log.read().decode()[-2000:])


def page_cases(seeded: Seeded, port: int, pages: list[str] | None = None) -> list[Case]:
    """The bare endpoint first, then every page (or only those named in `pages`)."""
    cases = _all_page_cases(seeded, port)
    if not pages:
        return cases
    unknown = set(pages) - {case.name for case in cases}
    if unknown:
        raise SystemExit(f"no such page: {', '.join(sorted(unknown))}; pages are "
                         + ", ".join(case.name for case in cases[1:]))
    return [cases[0], *(case for case in cases[1:] if case.name in pages)]


def _all_page_cases(seeded: Seeded, port: int) -> list[Case]:
    carer = Browser(port).log_in(seeded.carer_email)
    therapist = Browser(port).log_in(seeded.therapist_email)
    child, tchild = seeded.child_id, seeded.therapist_child_id
    day = (datetime.now(UTC) - timedelta(days=1)).date().isoformat()
    return [
        Case("bare endpoint (1 query)", Browser(port), "GET", f"/bench/bare/{child}"),
        Case("front door /", carer, "GET", "/", expect=(200, 303)),
        Case("child home", carer, "GET", f"/children/{child}"),
        Case("practice form", carer, "GET", f"/children/{child}/practices/new"),
        Case("log practice POST", carer, "POST", f"/children/{child}/practices",
             lambda: {"step": seeded.step_id, "fear_before": 6, "fear_after": 3,
                      "outcome": "did_it", "idempotency_key": uuid4().hex}, expect=(303,)),
        Case("check-in POST", carer, "POST", f"/children/{child}/checkin",
             lambda: {"day": day, "child_distress": 4, "caregiver_distress": 3,
                      "idempotency_key": uuid4().hex}, expect=(303,)),
        Case("insights", carer, "GET", f"/children/{child}/insights"),
        Case("ladder", carer, "GET", f"/ladders/{seeded.ladder_id}"),
        Case("ladder progress", carer, "GET", f"/ladders/{seeded.ladder_id}/progress"),
        Case("weekly summary", carer, "GET", f"/children/{child}/week"),
        Case("practices partial (htmx)", carer, "GET", f"/children/{child}/practices",
             headers=HTMX),
        Case(f"caseload ({seeded.caseloads[1]} children)", therapist, "GET", "/"),
        Case("therapist child page", therapist, "GET", f"/therapist/children/{tchild}"),
        Case("session summary", therapist, "GET", f"/therapist/children/{tchild}/summary"),
    ]


def curve(port: int, cases: list[Case], rounds: int) -> list[Case]:
    """Time the cases interleaved with the bare endpoint; the bare case comes first."""
    bare = Case("bare", Browser(port), "GET", "/bench/bare/1")
    interleave([bare, *cases], rounds, warmup=3)
    return [bare, *cases]


def first_load(browser: Browser, path: str) -> tuple[int, int, list[str]]:
    """Bytes on the wire for a page and the CSS/JS it links (gzip accepted), and the cache
    header each static file came with."""
    page = browser.request("GET", path, headers=GZIP)
    html = browser.request("GET", path).body
    assets = re.findall(rb'(?:href|src)="(/static/[^"]+\.(?:css|js))"', html)
    wire, raw, caching = len(page.body), len(html), []
    for asset in assets:
        answer = browser.request("GET", asset.decode(), headers=GZIP)
        wire += len(answer.body)
        raw += len(browser.request("GET", asset.decode()).body)
        caching.append(f"{asset.decode()}: {answer.headers.get('Cache-Control', '-')}")
    return wire, raw, caching


def report(seeded: Seeded, measured: dict, rounds: int) -> None:
    cases = measured["cases"]
    counts = ", ".join(f"{name} {n:,}" for name, n in sorted(seeded.counts.items()))
    print(f"Seeded in {seeded.seconds:.1f} s: {counts}")
    bare = statistics.median(cases[0].samples)
    print(f"\n{rounds} interleaved rounds over HTTP (gunicorn, 1 sync worker); "
          f"ratio = p50 / bare p50")
    print(f"{'page / action':<28}{'ratio':>7}{'p50 ms':>9}{'p95 ms':>9}{'p99 ms':>9}"
          f"{'p99/p50':>9}{'SQL/req':>9}")
    for case in cases:
        p50 = statistics.median(case.samples)
        print(f"{case.name:<28}{p50 / bare:>7.1f}{p50:>9.2f}{case.percentile(.95):>9.2f}"
              f"{case.percentile(.99):>9.2f}{case.percentile(.99) / p50:>9.1f}"
              f"{statistics.mean(case.sql):>9.1f}")
    if "sizes" not in measured:
        return
    _curve("Child home against history", measured["history"], "100 practices")
    _curve("Caseload against its size", measured["caseloads"], "150 children")
    print()
    for label, (raw, packed) in measured["sizes"].items():
        if isinstance(raw, list):
            print(label, *raw, sep="\n  ")
        else:
            print(f"{label:<40} {raw / 1024:7.1f} KiB raw, {packed / 1024:6.1f} KiB on the wire")


def _curve(title: str, cases: list[Case], yardstick: str) -> None:
    bare = statistics.median(cases[0].samples)
    first = statistics.median(next((c for c in cases if c.name == yardstick), cases[1]).samples)
    print(f"\n{title} (ratio to bare / to {yardstick})")
    for case in cases[1:]:
        p50 = statistics.median(case.samples)
        print(f"  {case.name:<26}{p50:>9.2f} ms{p50 / bare:>8.1f}×{p50 / first:>8.2f}×"
              f"{statistics.mean(case.sql):>6.0f} SQL")


def measure(seeded: Seeded, rounds: int, curve_rounds: int,
            pages: list[str] | None = None) -> dict:
    """Serve a copy of the seeded database with gunicorn and time everything (or only `pages`,
    without the curves and sizes); return what was measured.

    A copy, so every run starts from the seeded data: the timed POSTs log practices and
    check-ins "now", and served in place each repeat would find the previous runs' on the same
    day (the weekly summary grew from 3.4 to 5.1 times bare over three runs).
    """
    with tempfile.TemporaryDirectory() as folder, tempfile.TemporaryFile() as log:
        working = replace(seeded, url=_copied(seeded.url, Path(folder) / "served.sqlite"))
        return _measure(working, rounds, curve_rounds, pages, log)


def _copied(url: str, target: Path) -> str:
    """Copy the SQLite database at `url` (its WAL included) to `target`; return the copy's URL."""
    with closing(sqlite3.connect(url.removeprefix("sqlite:///"))) as source, \
            closing(sqlite3.connect(target)) as copy:
        source.backup(copy)
    return f"sqlite:///{target}"


def _measure(seeded: Seeded, rounds: int, curve_rounds: int, pages, log) -> dict:
    server, port = serve(seeded.url, log)
    try:
        cases = page_cases(seeded, port, pages)
        interleave(cases, rounds, warmup=10)
        if pages:
            return {"cases": cases}
        history = curve(port, [
            Case(f"{n:,} practices", Browser(port).log_in(email), "GET", f"/children/{child}")
            for n, (email, child) in sorted(seeded.history.items())], curve_rounds)
        caseloads = curve(port, [
            Case(f"{n} children", Browser(port).log_in(email), "GET", "/")
            for n, email in sorted(seeded.therapists.items())],
            curve_rounds)
        carer = cases[2].browser
        wire, raw, caching = first_load(carer, f"/children/{seeded.child_id}")
        partial = carer.request("GET", f"/children/{seeded.child_id}/practices",
                                headers={**HTMX, **GZIP})
        sizes = {"home first load (HTML + CSS + JS)": (raw, wire),
                 "practices partial (htmx)": (len(carer.request(
                     "GET", f"/children/{seeded.child_id}/practices", headers=HTMX).body),
                     len(partial.body)),
                 "static caching:": (caching, None)}
        return {"cases": cases, "history": history, "caseloads": caseloads, "sizes": sizes}
    finally:
        server.terminate()
        server.wait(timeout=30)


def repeated(seeded: Seeded, rounds: int, names: list[str], times: int) -> list[dict[str, float]]:
    """Serve and time the named pages `times` more times; each run's p50 ratios to bare."""
    runs = []
    for _ in range(times):
        cases = measure(seeded, rounds, 0, names)["cases"]
        runs.append(ratios(cases))
    return runs


def ratios(cases: list[Case]) -> dict[str, float]:
    """Each page's p50 over the bare endpoint's p50 (the first case), in one run."""
    bare = statistics.median(cases[0].samples)
    return {case.name: statistics.median(case.samples) / bare for case in cases[1:]}


def report_repeats(runs: list[dict[str, float]]) -> None:
    print(f"\nRatio to bare in each of {len(runs)} runs (a new gunicorn each), and the median")
    for name in runs[0]:
        each = [run[name] for run in runs]
        print(f"{name:<28}" + "".join(f"{r:>6.1f}" for r in each)
              + f"   median {statistics.median(each):.1f}")


def seeded_in(folder: Path, families: int) -> Seeded:
    """The database seeded in `folder` by an earlier run, or a new one kept there."""
    saved = folder / "seeded.json"
    if saved.exists():
        kept = json.loads(saved.read_text())
        if kept["families"] != families:
            raise SystemExit(f"{folder} holds {kept['families']} families, not {families}")
        found = Seeded(**kept["seeded"])
        # JSON gives back lists for tuples and strings for the dictionaries' int keys.
        found.caseloads = tuple(found.caseloads)
        found.history = {int(n): tuple(v) for n, v in found.history.items()}
        found.therapists = {int(n): email for n, email in found.therapists.items()}
        schema.upgrade(found.url)  # kept by an older checkout: its migrations since
        return found
    folder.mkdir(parents=True, exist_ok=True)
    found = seed(folder, families, random.Random(7))
    saved.write_text(json.dumps({"families": families, "seeded": asdict(found)}))
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--families", type=int, default=2000)
    parser.add_argument("--rounds", type=int, default=200)
    parser.add_argument("--curve-rounds", type=int, default=40)
    parser.add_argument("--pages", type=lambda text: text.split(","), default=None,
                        help="comma-separated page names: time only these beside the bare one")
    parser.add_argument("--db-dir", type=Path, default=None,
                        help="keep the seeded database here and reuse it on the next run")
    parser.add_argument("--repeat", type=int, default=1,
                        help="serve and time the pages this many times; report the median ratio")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        seeded = seeded_in(args.db_dir or Path(folder), args.families)
        measured = measure(seeded, args.rounds, args.curve_rounds, args.pages)
        report(seeded, measured, args.rounds)
        if args.repeat > 1:
            names = [case.name for case in measured["cases"][1:]]
            report_repeats([ratios(measured["cases"]),
                            *repeated(seeded, args.rounds, names, args.repeat - 1)])


if __name__ == "__main__":
    main()
