"""Every way a reminder can reach a person, defined once; everything else reads this list.

The inbox is always on and written by the dispatcher in the delivery's own transaction. Each
other channel is optional per reminder and goes out afterwards through the outbox: its state
(a ChannelState) lives in its own column on Delivery, and its sender is looked up when it
sends (by module and name, so the channel modules load only when needed and tests can stand
in for them). The reminder form, schedule checks, dispatch, the outbox claim, consent ending
and the pending count all iterate over CHANNELS.

Adding a channel: a `Channel(...)` below with its sender function (in a module of its own
under channels/), a `<name>_state` column on models.Delivery, and a migration for it.
"""
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from importlib import import_module


@dataclass(frozen=True)
class Channel:
    name: str  # stored in Reminder.channels
    label: str  # the checkbox in the reminder form
    short: str  # how the reminder list names it: "by inbox, email, phone"
    noun: str  # how a sentence names it: "choose email, phone notifications, or neither"
    optional: bool = True  # chosen per reminder; the inbox is not
    state_column: str | None = None  # the Delivery column of its outbox state, if outboxed
    sender: str | None = None  # "module:function(db, config, OutgoingMessage)", see send()
    per_kind_opt_out: bool = False  # honours NotificationSettings.email_opt_out
    # "module:function(config)": a context manager inside which sends reuse connections
    keeper: str | None = None

    def send(self, db, config: dict, message) -> None:
        """Send one message through this channel; raises ChannelError when it cannot.

        `db` is what the sender reads (and may write) through: the outbox passes its sender's
        Connection; a Session works as well (both have execute and commit).
        """
        _look_up(self.sender)(db, config, message)


def _look_up(name: str):
    module, _, function = name.partition(":")
    return getattr(import_module(module), function)


@contextmanager
def kept_open(config: dict) -> Iterator[None]:
    """Within the block, every outbox channel reuses its connections from send to send."""
    with ExitStack() as stack:
        for channel in OUTBOX:
            if channel.keeper:
                stack.enter_context(_look_up(channel.keeper)(config))
        yield


INBOX = Channel("inbox", "In-app inbox", "inbox", "the inbox", optional=False)

CHANNELS = (
    INBOX,
    Channel("email", "Email", "email", "email", state_column="email_state",
            sender="graded_exposure.channels.email:send_email", per_kind_opt_out=True,
            keeper="graded_exposure.channels.mail:kept_open"),
    Channel("push", "Phone notification", "phone", "phone notifications",
            state_column="push_state", sender="graded_exposure.channels.push:send_push",
            keeper="graded_exposure.channels.push:kept_open"),
)

BY_NAME = {channel.name: channel for channel in CHANNELS}
OPTIONAL = tuple(channel for channel in CHANNELS if channel.optional)
# Sent after the delivery commits, from its state column; in this order.
OUTBOX = tuple(channel for channel in CHANNELS if channel.state_column)
STATE_COLUMNS = tuple(channel.state_column for channel in OUTBOX)


def in_words(channels) -> str:
    """Join channel nouns the way a sentence lists them: "email and phone notifications"."""
    nouns = [channel.noun for channel in channels]
    return " and ".join([", ".join(nouns[:-1]), nouns[-1]] if len(nouns) > 1 else nouns)
