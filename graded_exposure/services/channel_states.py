"""Which outbox channels (email, push) an occurrence about to be sent goes out on, and when.

Each outbox channel is not wanted (not chosen, or that kind of email unsubscribed from), held
back as quiet (the recipient's quiet hours, checked at the moment of sending), or pending (the
outbox sends it). The inbox takes the occurrence whenever it was chosen, and also whenever
quiet hours hold an outbox channel back, so a reminder never simply vanishes.
"""
import logging
from datetime import datetime
from functools import cache

from sqlalchemy import Row, select
from sqlmodel import Session

from ..channels import registry
from ..models import NotificationSettings
from ..rules import schedule
from ..vocabulary import ChannelState
from .id_lists import among

log = logging.getLogger(__name__)

SETTINGS = NotificationSettings.__table__


def load_settings(session: Session, user_ids: set[int]) -> dict[int, Row]:
    """Return the notification settings of these users that have saved any, by user id."""
    if not user_ids:
        return {}
    connection = session.connection()
    rows = connection.execute(_settings_statement(connection.dialect.name),
                              {"user_ids": list(user_ids)})
    return {s.user_id: s for s in rows}


# Run once per dispatch batch on its thousands of users: built once per dialect, the ids bound
# as one parameter (services/id_lists.py).
@cache
def _settings_statement(dialect: str):
    return select(SETTINGS).where(among(SETTINGS.c.user_id, "user_ids", dialect))


class ChannelStates:
    """Each outbox channel's state for a batch's reminders, worked out once per distinct
    (channels, kind, time zone, recipient's settings): a batch holds few distinct ones."""

    def __init__(self, settings: dict[int, Row], now: datetime):
        self.settings, self.now, self.known = settings, now, {}

    def of(self, reminder: Row) -> tuple[str, ...]:
        """Return the states in the order of registry.STATE_COLUMNS."""
        settings = self.settings.get(reminder.user_id)
        key = (tuple(reminder.channels), reminder.kind, reminder.timezone, None if settings is None
               else (settings.quiet_start, settings.quiet_end, tuple(settings.email_opt_out or ())))
        if key not in self.known:
            found = _external_states(reminder, settings, self.now)
            self.known[key] = tuple(found[column] for column in registry.STATE_COLUMNS)
        return self.known[key]


def _external_states(reminder: Row, settings: Row | None, now: datetime) -> dict[str, str]:
    """Return each outbox channel's state: not wanted, quiet in quiet hours, else pending."""
    quiet = False
    if settings is not None:
        try:
            quiet = schedule.in_quiet_hours(now, reminder.timezone, settings.quiet_start,
                                            settings.quiet_end)
        except ValueError:
            log.warning("User %s has unreadable quiet hours; ignoring them", reminder.user_id)
    opted_out = settings is not None and reminder.kind in (settings.email_opt_out or ())
    on = ChannelState.QUIET if quiet else ChannelState.PENDING
    wanted = {channel for channel in registry.OUTBOX if channel.name in reminder.channels
              and not (channel.per_kind_opt_out and opted_out)}
    return {channel.state_column: on if channel in wanted else ChannelState.NOT_WANTED
            for channel in registry.OUTBOX}


def wants_inbox(channels: tuple[str, ...], states: tuple[str, ...]) -> bool:
    """Return True when the occurrence also goes to the inbox."""
    # Quiet hours hold the outbox channels back; the inbox then keeps the reminder from vanishing.
    return registry.INBOX.name in channels or ChannelState.QUIET in states
