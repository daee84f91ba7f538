"""Web push to a user's subscribed devices (being built by the channels work; see issue 4)."""
from sqlmodel import Session

from . import ChannelError, OutgoingMessage


def send_push(session: Session, config: dict, message: OutgoingMessage) -> None:
    """Push the message's push_title/push_body to every subscription of the user."""
    raise ChannelError("push channel not built yet")
