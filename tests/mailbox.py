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


class PipeliningMailbox(Mailbox):
    """A Mailbox whose server advertises PIPELINING (RFC 2920), as common mail servers do
    (aiosmtpd reads pipelined commands correctly but does not say so); it keeps each message's
    bytes too, and can refuse recipients."""

    def __init__(self):
        super().__init__()
        self.raw, self.refused_recipients = [], set()

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_RCPT(self, server, session, envelope, address, options):
        if address in self.refused_recipients:
            return "550 No such user here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.raw.append(envelope.content)
        return await super().handle_DATA(server, session, envelope)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_mailbox(pipelining: bool = False) -> tuple[Mailbox, Controller]:
    """Start a Mailbox (one that advertises PIPELINING if asked) on a free loopback port; stop
    the controller when done."""
    handler = PipeliningMailbox() if pipelining else Mailbox()
    controller = Controller(handler, hostname="127.0.0.1", port=free_port())
    controller.start()
    return handler, controller
