"""Reminder emails (being built by the channels work; see issue 4)."""
from sqlmodel import Session

from . import ChannelError, OutgoingMessage


def send_email(session: Session, config: dict, message: OutgoingMessage) -> None:
    """Send a reminder email to the message's user (respecting their unsubscribes)."""
    raise ChannelError("email channel not built yet")
