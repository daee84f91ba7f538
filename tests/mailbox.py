"""A real SMTP server on 127.0.0.1 (aiosmtpd) that keeps every message it is given."""
import re
import socket
from email import message_from_bytes
from email.policy import default as default_policy

from aiosmtpd.controller import Controller

_LINK = re.compile(r"https?://\S+")


class Mailbox:
    """An aiosmtpd handler that keeps every message it is given (or refuses them all)."""

    def __init__(self):
        self.messages, self.refuse, self.peers = [], False, []

    async def handle_DATA(self, server, session, envelope):
        self.peers.append(session.peer)  # (address, port): one client port per connection
        if self.refuse:
            return "554 Transaction failed"
        self.messages.append((envelope.rcpt_tos, message_from_bytes(envelope.content,
                                                                    policy=default_policy)))
        return "250 Message accepted for delivery"

    @property
    def connections(self) -> int:
        """Return over how many SMTP connections the messages came."""
        return len(set(self.peers))

    def to(self, address: str) -> list:
        """Return the messages sent to one address, oldest first."""
        return [message for recipients, message in self.messages if address in recipients]

    def last_text(self, address: str) -> str:
        """Return the plain-text part of the newest message to an address."""
        messages = self.to(address)
        assert messages, f"no email to {address}"
        return messages[-1].get_body(preferencelist=("plain",)).get_content()

    def links(self, address: str) -> list[str]:
        """Return the links in the newest message to an address, in order."""
        return _LINK.findall(self.last_text(address))


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mailbox() -> tuple[Mailbox, Controller]:
    """Start a Mailbox on a free loopback port; stop the controller when done."""
    handler = Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return handler, controller
