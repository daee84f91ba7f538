"""What the soak checks at the end, each a pass or a fail with the evidence in a line.

Requests: no 5xx, no request without an answer, no answer the action did not expect.
Practices: every key answered with a 303 is stored exactly once (none lost, none twice).
Reminders: every reminder that fell due during the run has exactly one delivery, sent; exactly
one inbox message; and exactly one email at the loopback SMTP server (each soak reminder has
a recipient of its own). Logs: no traceback in any server's output, so an error swallowed by
the scheduler's "retry next minute" still fails the soak.

The checks read the database with plain Core statements, so they can be pointed at any
database with the app's tables, including one built to hold what the app would refuse.
"""
from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from sqlalchemy import Connection, func, select

from graded_exposure.models import Delivery, InboxMessage, Practice
from graded_exposure.vocabulary import DeliveryStatus

from .soak_load import Outcome
from .soak_seed import DueReminder

CHUNK = 500  # keys per IN (...) list


@dataclass(frozen=True)
class Check:
    name: str
    passed: bool
    detail: str

    def line(self) -> str:
        return f"{'PASS' if self.passed else 'FAIL'}  {self.name}: {self.detail}"


def request_checks(outcomes: list[Outcome]) -> list[Check]:
    """No server errors, no connection errors, nothing unexpected."""
    server = [o for o in outcomes if o.status is not None and o.status >= 500]
    unanswered = [o for o in outcomes if o.status is None]
    unexpected = [o for o in outcomes if o.status is not None and o.status < 500
                  and not o.expected]
    return [
        Check("server errors", not server, f"{len(server)} of {len(outcomes)} requests 5xx"
              + _examples(f"{o.kind} {o.status}" for o in server)),
        Check("connection errors", not unanswered, f"{len(unanswered)} without an answer"
              + _examples(f"{o.kind}: {o.error}" for o in unanswered)),
        Check("unexpected answers", not unexpected, f"{len(unexpected)} not as expected"
              + _examples(f"{o.kind} {o.status}" for o in unexpected)),
    ]


def practice_check(connection: Connection, acknowledged: set[str]) -> Check:
    """Every practice acknowledged with a 303 is stored exactly once, found by its key."""
    stored = _count_by(connection, Practice.__table__.c.idempotency_key, acknowledged)
    lost = [key for key in acknowledged if stored[key] == 0]
    twice = [key for key in acknowledged if stored[key] > 1]
    return Check("practices stored exactly once", not lost and not twice,
                 f"{len(acknowledged)} acknowledged, {len(lost)} lost, {len(twice)} duplicated"
                 + _examples(lost + twice))


def reminder_checks(connection: Connection, due: list[DueReminder],
                    emails_to: dict[str, int]) -> list[Check]:
    """Every reminder due during the run: one sent delivery, one inbox message, one email."""
    ids = {r.id for r in due}
    deliveries = Delivery.__table__
    sent = _count_by(connection, deliveries.c.reminder_id, ids,
                     deliveries.c.status == DeliveryStatus.SENT)
    any_status = _count_by(connection, deliveries.c.reminder_id, ids)
    inbox = Counter(dict(connection.execute(
        select(deliveries.c.reminder_id, func.count())
        .join(InboxMessage.__table__, InboxMessage.__table__.c.delivery_id == deliveries.c.id)
        .where(deliveries.c.reminder_id.in_(ids)).group_by(deliveries.c.reminder_id)).all()))
    return [
        _exactly_once("reminders delivered exactly once", due, lambda r: sent[r.id],
                      lambda r: any_status[r.id] - sent[r.id]),
        _exactly_once("inbox messages exactly once", due, lambda r: inbox[r.id]),
        _exactly_once("emails received exactly once", due,
                      lambda r: emails_to.get(r.email, 0)),
    ]


def log_check(name: str, tracebacks: list[str]) -> Check:
    """No traceback in a server's output."""
    return Check(f"no tracebacks in the {name} log", not tracebacks,
                 f"{len(tracebacks)} found")


def _exactly_once(name: str, due: list[DueReminder], count, other=lambda r: 0) -> Check:
    lost = [r for r in due if count(r) == 0]
    twice = [r for r in due if count(r) > 1]
    otherwise = [r for r in due if count(r) == 0 and other(r)]
    detail = (f"{len(due)} due, {len(lost)} lost, {len(twice)} more than once"
              + (f" ({len(otherwise)} recorded but not sent)" if otherwise else "")
              + _examples(f"reminder {r.id} due {r.due:%H:%M:%S}" for r in lost + twice))
    return Check(name, not lost and not twice, detail)


def _count_by(connection: Connection, column, values: Iterable, *where) -> Counter:
    """How many rows have each of `values` in `column` (asked in chunks)."""
    values, counts = list(values), Counter()
    for n in range(0, len(values), CHUNK):
        counts.update(dict(connection.execute(
            select(column, func.count()).where(column.in_(values[n:n + CHUNK]), *where)
            .group_by(column)).all()))
    return counts


def _examples(items: Iterable[str], shown: int = 3) -> str:
    items = list(items)
    return f" (e.g. {'; '.join(map(str, items[:shown]))})" if items else ""
