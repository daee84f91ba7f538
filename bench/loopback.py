"""A loopback SMTP server and web push service in a process of their own, for bench/reminders.py.

Both listen on 127.0.0.1 only, with a thread for each client connection, and speak their
protocols for real, only leanly: the SMTP server holds the whole dialogue (EHLO advertising
PIPELINING as real mail servers do, MAIL, RCPT, DATA with its dot-stuffed content, RSET, NOOP,
QUIT; commands out of order refused with 503) and takes pipelined commands in order; the push
service parses each HTTP/1.1 request (request line, headers, a body of its Content-Length),
keeps connections alive as real push services do, and answers 201 Created. They count messages
and client connections, check every distinct VAPID token once (ES256 signature, audience) and
decrypt a sample of the pushes with the browsers' private keys, so the benchmark proves real,
readable encryption and not only traffic.

They were aiosmtpd and http.server: the servers' CPU was a third of the benchmark's, most of
it in those libraries' general machinery (an asyncio task and a coroutine per line of every
email, an email.parser run for every request's headers), which a real mail server or push
service does not spend on our behalf.

Running in another process keeps their work out of the measured process (a real mail server
or push service is not ours to pay for), though on a small machine they share its cores.
"""
import base64
import json
import multiprocessing
import socket
import threading
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field

import http_ece
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    emails: int = 0
    smtp_connections: int = 0
    pushes: int = 0
    push_connections: int = 0
    vapid_tokens: int = 0  # distinct tokens, each verified
    bad_vapid: int = 0
    decrypted: int = 0  # pushes of the sample, decrypted and read
    undecryptable: int = 0
    cpu_seconds: float = 0.0  # the servers' process's own CPU time, all its threads
    emails_to: dict[str, int] = field(default_factory=dict)  # messages per recipient address


class _Counts:
    def __init__(self, keys: dict[int, tuple[bytes, bytes]], server_key: str):
        self.lock = threading.Lock()
        self.received = Received()
        self.smtp_peers, self.push_peers, self.tokens = set(), set(), set()
        self.recipients = Counter()
        self.keys = {user: (serialization.load_der_private_key(der, None), auth)
                     for user, (der, auth) in keys.items()}
        self.server_key = ec.EllipticCurvePublicKey.from_encoded_point(
            ec.SECP256R1(), _unb64(server_key)) if server_key else None

    def email(self, peer, recipients: list[str]) -> None:
        with self.lock:
            self.received.emails += 1
            self.smtp_peers.add(peer)
            self.recipients.update(recipients)

    def push(self, client, path: str, authorization: str, body: bytes) -> None:
        with self.lock:
            self.received.pushes += 1
            self.push_peers.add(client)
            fresh = authorization not in self.tokens
            self.tokens.add(authorization)
        if fresh:
            self._check_vapid(authorization)
        user = int(path.rsplit("/", 1)[1])
        if user in self.keys:
            key, auth = self.keys[user]
            try:
                payload = json.loads(http_ece.decrypt(body, private_key=key, auth_secret=auth,
                                                      version="aes128gcm"))
                readable = bool(payload["title"])
            except Exception:  # counted and reported, never raised
                readable = False
            with self.lock:
                self.received.decrypted += readable
                self.received.undecryptable += not readable

    def _check_vapid(self, authorization: str) -> None:
        try:
            fields = dict(part.strip().split("=", 1)
                          for part in authorization.partition(" ")[2].split(","))
            header, claims, signature = fields["t"].split(".")
            raw = _unb64(signature)
            der = encode_dss_signature(int.from_bytes(raw[:32], "big"),
                                       int.from_bytes(raw[32:], "big"))
            self.server_key.verify(der, f"{header}.{claims}".encode(), ec.ECDSA(hashes.SHA256()))
            ok = json.loads(_unb64(claims))["aud"].startswith("http://127.0.0.1:")
        except Exception:  # counted and reported, never raised
            ok = False
        with self.lock:
            self.received.vapid_tokens += 1
            self.received.bad_vapid += not ok

    def report(self) -> Received:
        self.received.smtp_connections = len(self.smtp_peers)
        self.received.push_connections = len(self.push_peers)
        self.received.emails_to = dict(self.recipients)
        return self.received


EHLO_REPLY = (b"250-127.0.0.1\r\n250-SIZE 33554432\r\n250-8BITMIME\r\n250-PIPELINING\r\n"
              b"250 HELP\r\n")
MAX_LINE = 65536


def _smtp_session(connection: socket.socket, peer, counts: _Counts) -> None:
    """Hold one client's SMTP dialogue (RFC 5321), replying to each command in order; the
    replies to pipelined commands go back in one write, as real mail servers send them."""
    dialogue = _Dialogue(peer, counts)
    connection.sendall(b"220 127.0.0.1 ESMTP loopback\r\n")
    pending = b""
    while not dialogue.closed and (received := connection.recv(65536)):
        *lines, pending = (pending + received).split(b"\r\n")
        if len(pending) > MAX_LINE:
            return
        replies = b"".join(map(dialogue.take, lines))
        if replies:
            connection.sendall(replies)


class _Dialogue:
    """One SMTP session's state: each line taken returns its reply (none inside content)."""

    def __init__(self, peer, counts: _Counts):
        self.peer, self.counts, self.closed = peer, counts, False
        self.sender, self.recipients, self.content = None, [], None

    def take(self, line: bytes) -> bytes:
        if self.content is not None:
            return self._content(line)
        verb = line[:4].upper()
        if verb in (b"EHLO", b"HELO"):
            self.sender, self.recipients = None, []
            return EHLO_REPLY if verb == b"EHLO" else b"250 127.0.0.1\r\n"
        if verb == b"MAIL" and line[4:10].upper() == b" FROM:":
            self.sender, self.recipients = line[10:].split(b">", 1)[0].lstrip(b" <"), []
            return b"250 OK\r\n"
        if verb == b"RCPT" and line[4:8].upper() == b" TO:" and self.sender is not None:
            self.recipients.append(line[8:].split(b">", 1)[0].lstrip(b" <").decode())
            return b"250 OK\r\n"
        if verb == b"DATA" and self.recipients:
            self.content = []
            return b"354 End data with <CR><LF>.<CR><LF>\r\n"
        if verb in (b"RSET", b"NOOP"):
            if verb == b"RSET":
                self.sender, self.recipients = None, []
            return b"250 OK\r\n"
        if verb == b"QUIT":
            self.closed = True
            return b"221 Bye\r\n"
        if verb in (b"MAIL", b"RCPT", b"DATA"):
            return b"503 Bad sequence of commands\r\n"
        return b"500 Command not recognized\r\n"

    def _content(self, line: bytes) -> bytes:
        """Take a line of a message's content, undoing dot-stuffing, up to its lone "."."""
        if line != b".":
            self.content.append(line[1:] if line.startswith(b".") else line)
            return b""
        self.counts.email(self.peer, self.recipients)
        self.sender, self.recipients, self.content = None, [], None
        return b"250 Message accepted for delivery\r\n"


def _push_session(connection: socket.socket, peer, counts: _Counts) -> None:
    """Answer one client's HTTP/1.1 requests, kept alive until it closes the connection."""
    reader = connection.makefile("rb")
    while request := reader.readline(MAX_LINE):
        method, target, _version = request.split(b" ", 2)
        headers = {}
        while (line := reader.readline(MAX_LINE)) not in (b"\r\n", b"\n", b""):
            name, _, value = line.partition(b":")
            headers[name.strip().lower()] = value.strip()
        body = reader.read(int(headers.get(b"content-length", 0)))
        if method != b"POST":
            connection.sendall(b"HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\n\r\n")
            continue
        counts.push(peer, target.decode(), headers.get(b"authorization", b"").decode(), body)
        connection.sendall(b"HTTP/1.1 201 Created\r\nContent-Length: 0\r\n\r\n")
        if headers.get(b"connection", b"").lower() == b"close":
            return


def _listen(session, counts: _Counts) -> socket.socket:
    """Listen on a free loopback port; serve each connection with `session` in a thread."""
    listener = socket.create_server(("127.0.0.1", 0), backlog=64)

    def serve(connection: socket.socket, peer) -> None:
        connection.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        # A client that goes away or speaks nonsense just loses its connection.
        with connection, suppress(OSError, ValueError):
            session(connection, peer, counts)

    def accept() -> None:
        while True:
            try:
                connection, peer = listener.accept()
            except OSError:
                return  # closed: the servers are stopping
            threading.Thread(target=serve, args=(connection, peer), daemon=True).start()

    threading.Thread(target=accept, daemon=True).start()
    return listener


def _serve(connection, keys: dict, server_key: str) -> None:
    counts = _Counts(keys, server_key)
    smtp, push = _listen(_smtp_session, counts), _listen(_push_session, counts)
    connection.send((smtp.getsockname()[1], push.getsockname()[1]))
    connection.recv()  # "stop"
    smtp.close()
    push.close()
    received = counts.report()
    received.cpu_seconds = time.process_time()
    connection.send(received)


@dataclass
class Servers:
    smtp_port: int
    push_origin: str
    _connection: object

    def stop(self) -> Received:
        """Stop both servers and return what they received."""
        self._connection.send("stop")
        return self._connection.recv()


@contextmanager
def servers(keys: dict[int, tuple[bytes, bytes]], server_key: str = "") -> Iterator[Servers]:
    """Run both servers in a child process; `keys` are the sampled browsers' (DER key, auth).

    Without a server key (the soak sends no push) VAPID tokens cannot be checked.
    """
    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    process = context.Process(target=_serve, args=(theirs, keys, server_key), daemon=True)
    process.start()
    smtp_port, push_port = ours.recv()
    try:
        yield Servers(smtp_port, f"http://127.0.0.1:{push_port}", ours)
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.terminate()
