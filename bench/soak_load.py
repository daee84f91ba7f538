"""The soak's load: a mix of what parents and therapists do, sent on an open-loop schedule.

Open loop: action n is due at start + n / rate whatever happened to the ones before, and is
handed to a pool of threads at that moment; a slow server makes requests pile up rather than
making the load politely slow down (which would hide the slowness). Latency is therefore
measured from the moment a request was *scheduled* to the moment its answer was read, and
also from the moment it was sent (the server's share); the report shows both.

Each action is one request, except a double submission: the same practice form (same
idempotency key) sent twice at once, or sent again after its first answer (a retry after a
lost response). Every practice answered with a 303 is remembered by its key, for the check
that each is stored exactly once.
"""
from __future__ import annotations

import http.client
import random
import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime, timedelta
from uuid import uuid4

from graded_exposure.rules.practice_rules import OUTCOMES

from .pages import Browser
from .soak_seed import Population

LOGIN_THREADS = 4


@dataclass(frozen=True)
class Call:
    kind: str
    browser: Browser
    method: str
    path: str
    form: dict | None = None
    expect: tuple[int, ...] = (200,)
    key: str = ""  # a practice's idempotency key
    sends: int = 1  # sent again after each answer, as a client retrying would


@dataclass
class Outcome:
    kind: str
    status: int | None  # None: no answer (connection refused, reset, timed out)
    expected: bool
    from_schedule_ms: float
    from_send_ms: float
    error: str = ""


@dataclass
class Results:
    outcomes: list[Outcome] = field(default_factory=list)
    acknowledged: set[str] = field(default_factory=set)  # practice keys answered 303
    actions: int = 0
    seconds: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, call: Call, outcome: Outcome) -> None:
        with self.lock:
            self.outcomes.append(outcome)
            if call.key and outcome.status == 303:
                self.acknowledged.add(call.key)


@dataclass
class Actors:
    parents: list[tuple[Browser, tuple[tuple[int, int], ...]]]
    therapists: list[tuple[Browser, tuple[int, ...]]]


def log_in(port: int, population: Population, parents: int) -> Actors:
    """Log `parents` caregivers and every therapist in through the login form."""
    chosen = population.parents[:parents]
    with ThreadPoolExecutor(LOGIN_THREADS) as pool:
        carers = list(pool.map(lambda p: Browser(port).log_in(p.email), chosen))
        therapists = list(pool.map(lambda t: Browser(port).log_in(t.email),
                                   population.therapists))
    return Actors(parents=list(zip(carers, (p.children for p in chosen), strict=True)),
                  therapists=list(zip(therapists, (t.children for t in population.therapists),
                                      strict=True)))


def _practice_form(step_id: int, rng: random.Random) -> dict:
    before = rng.randint(2, 9)
    return {"step": step_id, "fear_before": before, "fear_after": rng.randint(0, before),
            "outcome": rng.choice(sorted(OUTCOMES)), "idempotency_key": uuid4().hex}


class Mix:
    """Draws the next action: who does what, with what form."""

    def __init__(self, actors: Actors, rng: random.Random):
        self.actors, self.rng = actors, rng
        kinds: list[tuple[Callable[[], list[Call]], int]] = [
            (self.child_home, 20), (self.insights, 9), (self.front_door, 5),
            (self.inbox, 4), (self.practice_form, 5), (self.practice, 18),
            (self.practice_twice_at_once, 3), (self.practice_retried, 2), (self.checkin, 10),
        ]
        if actors.therapists:
            kinds += [(self.caseload, 8), (self.therapist_child, 12)]
        self.kinds, self.weights = zip(*kinds, strict=True)

    def next_calls(self) -> list[Call]:
        return self.rng.choices(self.kinds, self.weights)[0]()

    def _parent(self) -> tuple[Browser, int, int]:
        browser, children = self.rng.choice(self.actors.parents)
        child_id, step_id = self.rng.choice(children)
        return browser, child_id, step_id

    def child_home(self) -> list[Call]:
        browser, child, _ = self._parent()
        return [Call("child home", browser, "GET", f"/children/{child}")]

    def insights(self) -> list[Call]:
        browser, child, _ = self._parent()
        return [Call("insights", browser, "GET", f"/children/{child}/insights")]

    def front_door(self) -> list[Call]:
        browser, _, _ = self._parent()
        return [Call("front door /", browser, "GET", "/", expect=(200, 303))]

    def inbox(self) -> list[Call]:
        browser, _, _ = self._parent()
        return [Call("inbox", browser, "GET", "/inbox")]

    def practice_form(self) -> list[Call]:
        browser, child, step = self._parent()
        return [Call("practice form", browser, "GET", f"/children/{child}/practices/new?step="
                     f"{step}")]

    def _practice_post(self, kind: str) -> Call:
        browser, child, step = self._parent()
        form = _practice_form(step, self.rng)
        return Call(kind, browser, "POST", f"/children/{child}/practices", form, (303,),
                    key=form["idempotency_key"])

    def practice(self) -> list[Call]:
        return [self._practice_post("practice POST")]

    def practice_twice_at_once(self) -> list[Call]:
        call = self._practice_post("practice POST, same key twice at once")
        return [call, call]

    def practice_retried(self) -> list[Call]:
        call = self._practice_post("practice POST, retried after its answer")
        return [replace(call, sends=2)]

    def checkin(self) -> list[Call]:
        browser, child, _ = self._parent()
        day = (datetime.now(UTC) - timedelta(days=self.rng.randint(1, 3))).date().isoformat()
        form = {"day": day, "child_distress": self.rng.randint(0, 10),
                "caregiver_distress": self.rng.randint(0, 10), "idempotency_key": uuid4().hex}
        return [Call("check-in POST", browser, "POST", f"/children/{child}/checkin", form,
                     (303,))]

    def caseload(self) -> list[Call]:
        browser, _ = self.rng.choice(self.actors.therapists)
        return [Call("caseload", browser, "GET", "/")]

    def therapist_child(self) -> list[Call]:
        browser, children = self.rng.choice(self.actors.therapists)
        return [Call("therapist child page", browser, "GET",
                     f"/therapist/children/{self.rng.choice(children)}")]


def drive(mix: Mix, rate: float, duration: float, threads: int) -> Results:
    """Start one action every 1/rate seconds for `duration` seconds; wait for the last answer."""
    results = Results()
    start = time.perf_counter() + 0.2
    pool = ThreadPoolExecutor(threads, thread_name_prefix="soak")
    try:
        while (at := start + results.actions / rate) < start + duration:
            time.sleep(max(0.0, at - time.perf_counter()))
            for call in mix.next_calls():
                pool.submit(_send, call, at, results)
            results.actions += 1
    except BaseException:
        pool.shutdown(cancel_futures=True)  # interrupted: send nothing more
        raise
    pool.shutdown()
    results.seconds = time.perf_counter() - start
    return results


def _send(call: Call, scheduled: float, results: Results) -> None:
    for _ in range(call.sends):
        sent = time.perf_counter()
        try:
            status = call.browser.request(call.method, call.path, call.form).status
            error = ""
        except (OSError, http.client.HTTPException) as e:
            status, error = None, f"{e.__class__.__name__}: {e}"
        done = time.perf_counter()
        results.record(call, Outcome(call.kind, status, status in call.expect,
                                     (done - scheduled) * 1000, (done - sent) * 1000, error))
        scheduled = done  # a retry is scheduled by its client the moment the answer came

