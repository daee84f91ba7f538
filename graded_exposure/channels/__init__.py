"""Delivery channels beyond the in-app inbox: email and web push, one message for one user."""
from dataclasses import dataclass


@dataclass(frozen=True)
class OutgoingMessage:
    """A reminder rendered for one recipient.

    `title`, `body` may name the child (they go to the inbox and the caregiver's own email);
    `push_title`, `push_body` never do, since push payloads pass through third parties and
    show on lock screens.
    """

    user_id: int
    kind: str
    title: str
    body: str
    link: str
    push_title: str
    push_body: str


class ChannelError(Exception):
    """A channel could not deliver; the outbox records it as failed."""
