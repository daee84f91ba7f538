"""A loopback SMTP server and web push service in a process of their own, for bench/reminders.py.

Both listen on 127.0.0.1 only. The SMTP server is aiosmtpd (as in tests/mailbox.py), advertising
PIPELINING as real mail servers do; the push
service is an HTTP/1.1 server that keeps connections alive, as real push services do, and
answers 201 Created. They count messages and client connections, check every distinct VAPID
token once (ES256 signature, audience) and decrypt a sample of the pushes with the browsers'
private keys, so the benchmark proves real, readable encryption and not only traffic.

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
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
from aiosmtpd.controller import Controller
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

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        # Advertised as real mail servers do (aiosmtpd takes pipelined commands in order but
        # does not say so), so the sender hands each message over in two round trips.
        session.host_name = hostname
        return [*responses[:-1], "250-PIPELINING", responses[-1]]

    async def handle_DATA(self, server, session, envelope):
        with self.lock:
            self.received.emails += 1
            self.smtp_peers.add(session.peer)
            self.recipients.update(envelope.rcpt_tos)
        return "250 Message accepted for delivery"

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


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _push_server(counts: _Counts) -> ThreadingHTTPServer:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_POST(self):
            body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
            counts.push(self.client_address, self.path, self.headers.get("Authorization", ""),
                        body)
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    return ThreadingHTTPServer(("127.0.0.1", 0), Handler)


def _serve(connection, keys: dict, server_key: str) -> None:
    counts = _Counts(keys, server_key)
    smtp = Controller(counts, hostname="127.0.0.1", port=_free_port())
    smtp.start()
    push = _push_server(counts)
    threading.Thread(target=push.serve_forever, daemon=True).start()
    connection.send((smtp.port, push.server_port))
    connection.recv()  # "stop"
    push.shutdown()
    smtp.stop()
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
