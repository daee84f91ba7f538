"""An outbox sender's writes: each send recorded at once, in the transaction confirming the next.

A sender may send a message only while it holds that delivery's lease and the channel is still
pending, and must record each result before it sends anything else, so that a sender killed
at any moment leaves at most the one message in flight unrecorded (sent again once its lease
runs out). Straight after each send, one transaction on the sender's connection records the
result (with any it gave up on without sending) and re-confirms, and extends, the lease on
the sender's next message (services/claims.py): one write per message, where a confirmation
before each send and a record after it took two.

The next message follows within microseconds, but a process can be paused in between (SIGSTOP,
a suspended VM) for longer than its lease, and another sender may then have taken the delivery
over. So a confirmation is only relied on while more than half the lease it set is left, by
the same clock the leases are written with (the one every claim compares against); otherwise,
and for the first message of each batch, the sender confirms with a write of its own just
before sending.

A result whose write finds the lease gone (another sender took the delivery over, or consent
ended) is not recorded, and is logged; nothing more of that delivery is sent.
"""
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, Row

from ..vocabulary import ChannelState
from . import claims
from .driver_statements import Writer

log = logging.getLogger(__name__)

Send = tuple[int, str]  # (delivery id, state column): one message


@dataclass(frozen=True)
class Result:
    delivery_id: int
    held: datetime  # the lease token the message was sent (or given up) under
    column: str
    state: str
    release: bool  # the delivery's last channel: its lease ends with this write
    what: str  # "Delivery 12: email", for the log


class Ledger:
    """One sender's leases on its batch, the send its last write confirmed, and the results
    not written yet."""

    def __init__(self, connection: Connection, lease: timedelta,
                 clock: Callable[[], datetime]):
        self.connection, self.lease, self.clock = connection, lease, clock
        self.recorded: Counter[str] = Counter()  # results recorded so far, by state
        self.unrecorded: list[Result] = []
        self.held: dict[int, datetime] = {}  # the lease token of each delivery of the batch
        self.confirmed: Send | None = None

    def claimed(self, batch: list[Row]) -> None:
        """Hold the leases of a newly claimed batch."""
        self.held = {delivery.id: delivery.outbox_claimed_until for delivery in batch}
        self.confirmed = None  # its first message is confirmed by a write of its own

    def may_send(self, delivery_id: int, column: str) -> bool:
        """Return True when this sender may send the message now (confirming it if need be)."""
        if ((delivery_id, column) == self.confirmed
                and self.clock() + self.lease / 2 < self.held[delivery_id]):
            return True
        return self._write(confirm=(delivery_id, column))

    def sent(self, delivery_id: int, column: str, state: str, *, release: bool, what: str,
             then: Send | None) -> None:
        """Record a send's result now, confirming the next message (`then`) in the same write."""
        self.gave_up(delivery_id, column, state, release=release, what=what)
        self._write(confirm=then)

    def gave_up(self, delivery_id: int, column: str, state: str, *, release: bool,
                what: str) -> None:
        """Keep the result of a message not sent, to write with the next write."""
        self.unrecorded.append(Result(delivery_id, self.held[delivery_id], column, state,
                                      release, what))

    def flush(self) -> None:
        """Write every result still owed."""
        if self.unrecorded:
            self._write()

    def release(self, deliveries: list[Row], states: dict[int, dict[str, str]]) -> list[int]:
        """Write what is owed, then `states` (by delivery id, maybe none), ending the lease of
        each delivery still held; return the ids written."""
        with claims.locked_write(self.connection) as writer:
            written = self._record(writer)
            ended = [delivery.id for delivery in deliveries if claims.record_outbox_state(
                writer, delivery.id, held=self.held[delivery.id],
                states=states.get(delivery.id, {}), release=True)]
        self._after(written, None, None)
        return ended

    def _write(self, confirm: Send | None = None) -> bool:
        """Write the results owed and confirm one message, in one transaction; return whether
        the message was confirmed."""
        with claims.locked_write(self.connection) as writer:
            written = self._record(writer)
            token = None if confirm is None else claims.renew_outbox_lease(
                writer, confirm[0], confirm[1], held=self.held[confirm[0]],
                until=self.clock() + self.lease)
        self._after(written, confirm, token)
        return token is not None

    def _record(self, writer: Writer) -> list[tuple[Result, bool]]:
        return [(result, claims.record_outbox_state(
            writer, result.delivery_id, held=result.held,
            states={result.column: result.state}, release=result.release))
            for result in self.unrecorded]

    def _after(self, written: list[tuple[Result, bool]], confirm: Send | None,
               token: datetime | None) -> None:
        """Take in what a committed write did."""
        self.unrecorded = []
        for result, recorded in written:
            if recorded:
                self.recorded[result.state] += 1
            else:
                log.warning("%s %s, but not recorded: this sender lost its lease", result.what,
                            result.state)
        self.confirmed = confirm if token is not None else None
        if token is not None:
            self.held[confirm[0]] = token

    def counts(self) -> tuple[int, int]:
        """Return how many messages were recorded as sent, and as failed."""
        return self.recorded[ChannelState.SENT], self.recorded[ChannelState.FAILED]
