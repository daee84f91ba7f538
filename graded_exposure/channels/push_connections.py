"""The HTTP connections a push sender keeps to each push service origin, for channels/push.py.

Directly (no proxy in the environment): one HTTP/1.1 connection per origin from the standard
library's http.client, TLS verified against the CA bundle requests would use. It is reused
message after message; before each reuse it is checked for the service having closed it (a
readable idle socket means it was closed, or is out of step), and then opened afresh; after any
error it is closed, so the next message starts on a new one. A request that failed is never
retried here: the push service may or may not have taken it (services/outbox.py).
urllib3's pool did the same at twice the CPU per request (580 µs against 260 µs, measured with
the loopback push service of bench/).

Through a proxy (HTTP_PROXY, HTTPS_PROXY, NO_PROXY as requests reads them): urllib3's
ProxyManager, whose tunnelling and proxy TLS are kept as they were.
"""
import http.client
import os
import ssl
from urllib.parse import urlsplit

import requests
import urllib3
from urllib3.util import wait_for_read


def ca_bundle() -> str:
    """Return the CA certificates to verify push services with, as requests chooses them."""
    return (os.environ.get("REQUESTS_CA_BUNDLE") or os.environ.get("CURL_CA_BUNDLE")
            or requests.utils.DEFAULT_CA_BUNDLE_PATH)


class Direct:
    """One kept connection to a push service origin (see the module docstring)."""

    def __init__(self, origin: str):
        parts = urlsplit(origin)
        self.https, self.host, self.port = parts.scheme == "https", parts.hostname, parts.port
        self.context = ssl.create_default_context(cafile=ca_bundle()) if self.https else None
        self.connection: http.client.HTTPConnection | None = None

    def post(self, endpoint: str, body: bytes, headers: dict[str, str],
             timeout: float) -> http.client.HTTPResponse:
        """POST to the endpoint and return the response, its body read."""
        parts = urlsplit(endpoint)
        target = parts.path + (f"?{parts.query}" if parts.query else "")
        connection = self._usable(timeout)
        try:
            connection.request("POST", target or "/", body=body, headers=headers)
            response = connection.getresponse()
            response.read()
        except BaseException:
            self.close()
            raise
        if response.will_close:
            self.close()
        return response

    def _usable(self, timeout: float) -> http.client.HTTPConnection:
        if self.connection is not None and (self.connection.sock is None
                                            or wait_for_read(self.connection.sock, timeout=0)):
            self.close()  # closed by the service while idle (or never opened)
        if self.connection is None:
            connection = (http.client.HTTPSConnection(self.host, self.port, timeout=timeout,
                                                      context=self.context)
                          if self.https else http.client.HTTPConnection(self.host, self.port,
                                                                        timeout=timeout))
            connection.connect()
            self.connection = connection
        else:
            self.connection.sock.settimeout(timeout)
        return self.connection

    def close(self) -> None:
        """Close the connection, if one is open."""
        connection, self.connection = self.connection, None
        if connection is not None:
            connection.close()


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
