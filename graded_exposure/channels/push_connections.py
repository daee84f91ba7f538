"""The HTTP connections a push sender keeps to each push service origin, for channels/push.py.

Directly (no proxy in the environment): one HTTP/1.1 connection per origin, TLS verified
against the CA bundle requests would use. Requests are written and responses read here (a
status line, headers, a body by Content-Length or chunked): 37 µs of the sender's CPU a
request, against 133 µs through http.client, which builds each request header by header and
parses each response's headers with the email package, and twice that through urllib3's pool
(measured against the loopback push service of bench/). It is reused message after message;
before each reuse it is checked for the service having closed it (a readable idle socket
means it was closed, or is out of step), and then opened afresh; after any error it is closed,
so the next message starts on a new one. A request that failed is never retried here: the
push service may or may not have taken it (services/outbox.py).

Through a proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY as requests reads them): urllib3's
ProxyManager, whose tunnelling and proxy TLS are kept as they were.
"""
import http.client
import os
import re
import socket
import ssl
from dataclasses import dataclass
from urllib.parse import urlsplit

import requests
import urllib3
from urllib3.util import wait_for_read


def ca_bundle() -> str:
    """Return the CA certificates to verify push services with, as requests chooses them."""
    return (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            or requests.utils.DEFAULT_CA_BUNDLE_PATH)


@dataclass(frozen=True)
class Response:
    """A push service's answer: what push.py and pywebpush's WebPushException read of it."""

    status: int
    reason: str
    headers: dict[str, str]  # names in lower case
    body: bytes
    will_close: bool  # the service closes the connection after it


def http_request(authority: str, target: str, body: bytes, headers: dict[str, str]) -> bytes:
    """Return one HTTP/1.1 POST as the bytes to send; ValueError for a target or header that
    would not stay on its own line (as http.client refuses them)."""
    lines = [f"POST {target or '/'} HTTP/1.1", f"Host: {authority}",
             f"Content-Length: {len(body)}", *(f"{name}: {value}"
                                               for name, value in headers.items())]
    if any(_UNSAFE.search(line) for line in lines) or " " in (target or "/"):
        raise ValueError("a push request's target or header holds a control character")
    return "\r\n".join([*lines, "", ""]).encode("latin-1") + body


_UNSAFE = re.compile(r"[\x00-\x08\x0a-\x1f\x7f]")  # control characters but tab
MAX_LINE = 65536


def read_response(reader) -> Response:
    """Read one HTTP/1.1 response (skipping any 1xx) and its body: by Content-Length, chunked,
    or, with neither, up to the end of the connection."""
    while True:
        version, status, reason = _status_line(reader)
        headers = _headers(reader)
        if not 100 <= status < 200:
            break
    connection = headers.get("connection", "").lower()
    will_close = connection == "close" or (version == "HTTP/1.0" and connection != "keep-alive")
    if status in (204, 304):
        body = b""
    elif "chunked" in headers.get("transfer-encoding", "").lower():
        body = _chunked(reader)
    elif "content-length" in headers:
        body = _exactly(reader, int(headers["content-length"]))
    else:
        body, will_close = reader.read(), True
    return Response(status, reason, headers, body, will_close)


def _line(reader) -> bytes:
    line = reader.readline(MAX_LINE + 1)
    if not line:
        raise http.client.RemoteDisconnected("the push service closed the connection")
    if len(line) > MAX_LINE:
        raise http.client.LineTooLong("a push service's response line")
    return line


def _status_line(reader) -> tuple[str, int, str]:
    version, _, rest = _line(reader).decode("latin-1").rstrip("\r\n").partition(" ")
    status, _, reason = rest.partition(" ")
    if not version.startswith("HTTP/1.") or not status.isdigit() or len(status) != 3:
        raise http.client.BadStatusLine(version)
    return version, int(status), reason


def _headers(reader) -> dict[str, str]:
    headers = {}
    while (line := _line(reader)) not in (b"\r\n", b"\n"):
        name, _, value = line.decode("latin-1").partition(":")
        headers[name.strip().lower()] = value.strip()
    return headers


def _exactly(reader, size: int) -> bytes:
    data = reader.read(size)
    if len(data) < size:
        raise http.client.IncompleteRead(data, size - len(data))
    return data


def _chunked(reader) -> bytes:
    chunks = []
    while size := int(_line(reader).split(b";", 1)[0].strip(), 16):
        chunks.append(_exactly(reader, size))
        _line(reader)  # the CRLF after each chunk
    while _line(reader) not in (b"\r\n", b"\n"):
        pass  # trailer fields, not used
    return b"".join(chunks)


class Direct:
    """One kept connection to a push service origin (see the module docstring)."""

    def __init__(self, origin: str):
        parts = urlsplit(origin)
        self.https, self.host = parts.scheme == "https", parts.hostname
        self.port = parts.port or (443 if self.https else 80)
        self.authority = parts.netloc.rpartition("@")[2]  # the Host header, as http.client sends
        self.context = ssl.create_default_context(cafile=ca_bundle()) if self.https else None
        self.sock: socket.socket | None = None
        self.reader = None

    def post(self, endpoint: str, body: bytes, headers: dict[str, str],
             timeout: float) -> Response:
        """POST to the endpoint and return the response, its body read."""
        parts = urlsplit(endpoint)
        request = http_request(self.authority, parts.path + (f"?{parts.query}" if parts.query
                                                             else ""), body, headers)
        sock = self._usable(timeout)
        try:
            sock.sendall(request)
            response = read_response(self.reader)
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response

    def _usable(self, timeout: float) -> socket.socket:
        if self.sock is not None and wait_for_read(self.sock, timeout=0):
            self.close()  # closed by the service while idle (or out of step)
        if self.sock is None:
            sock = socket.create_connection((self.host, self.port), timeout=timeout)
            try:
                sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
                if self.context is not None:
                    sock = self.context.wrap_socket(sock, server_hostname=self.host)
            except BaseException:
                sock.close()
                raise
            self.sock, self.reader = sock, sock.makefile("rb")
        else:
            self.sock.settimeout(timeout)
        return self.sock

    def close(self) -> None:
        """Close the connection, if one is open."""
        sock, reader, self.sock, self.reader = self.sock, self.reader, None, None
        if reader is not None:
            reader.close()
        if sock is not None:
            sock.close()


class Proxied:
    """Pushes to one origin through the environment's proxy, with urllib3."""

    def __init__(self, proxy: str):
        self.manager = urllib3.ProxyManager(proxy, cert_reqs="CERT_REQUIRED",
                                            ca_certs=ca_bundle())

    def post(self, endpoint: str, body: bytes, headers: dict[str, str],
             timeout: float) -> urllib3.BaseHTTPResponse:
        """POST to the endpoint through the proxy and return the response."""
        return self.manager.request("POST", endpoint, body=body, headers=headers,
                                    timeout=timeout, retries=False, redirect=False)

    def close(self) -> None:
        """Close the proxy's connections."""
        self.manager.clear()


def for_origin(origin: str) -> Direct | Proxied:
    """Return the kept connection to use for a push service origin."""
    proxy = requests.utils.get_environ_proxies(origin).get(urlsplit(origin).scheme)
    return Proxied(proxy) if proxy else Direct(origin)
