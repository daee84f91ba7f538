"""Web push to a user's subscribed browsers, signed with the server's VAPID key.

Inside `kept_open(config)` (the outbox wraps each run in it) pushes to a push service go over a
connection kept open for the run (push_connections.py), and the signed VAPID header is made
once per push service origin and reused until shortly before it expires (RFC 8292 allows a
token to be reused; signing costs about as much CPU as encrypting a message). Every message is
still encrypted on its own, for its own subscription, with a fresh key pair and salt
(push_encryption.py).
"""
import base64
import http.client
import json
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import NamedTuple
from urllib.parse import urlsplit

import requests
import urllib3
from pywebpush import WebPushException, webpush
from sqlalchemy import Connection, bindparam, delete, select
from sqlmodel import Session

from ..models import PushSubscription
from ..services import driver_statements
from . import ChannelError, OutgoingMessage, push_connections, push_encryption, vapid

log = logging.getLogger(__name__)
DEFAULT_TTL = 4 * 60 * 60  # a reminder older than a few hours is no longer worth showing
DEFAULT_TIMEOUT = 10  # seconds; a slow push service must not stall the outbox
GONE = (404, 410)  # the push service forgot this subscription: it will never work again


def payload(message: OutgoingMessage) -> str:
    """Return the JSON the service worker shows: push texts only, never a child's name."""
    url = message.link if message.link.startswith("/") and not message.link.startswith("//") \
        else "/inbox"
    return json.dumps({"title": message.push_title, "body": message.push_body, "url": url})


# A kept VAPID token is signed for this long and replaced once less than half of it is left.
TOKEN_LIFETIME = 12 * 60 * 60


@dataclass
class _Kept:
    config: dict
    connections: dict[str, push_connections.Direct | push_connections.Proxied] = field(
        default_factory=dict)  # by origin
    tokens: dict[str, tuple[float, dict]] = field(default_factory=dict)  # origin: (exp, headers)

    def connection(self, endpoint: str) -> push_connections.Direct | push_connections.Proxied:
        """Return the kept connection to the endpoint's origin, made on first use."""
        origin = _origin(endpoint)
        if origin not in self.connections:
            self.connections[origin] = push_connections.for_origin(origin)
        return self.connections[origin]

    def vapid_headers(self, endpoint: str) -> dict:
        origin = _origin(endpoint)
        expires, headers = self.tokens.get(origin, (0.0, {}))
        if expires - time.time() < TOKEN_LIFETIME / 2:
            expires = int(time.time()) + TOKEN_LIFETIME
            headers = vapid.server_key(self.config).sign(
                {"sub": vapid.subject(self.config), "aud": origin, "exp": expires})
            self.tokens[origin] = (expires, headers)
        return headers

    def close(self) -> None:
        for connection in self.connections.values():
            connection.close()


def _origin(endpoint: str) -> str:
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


_kept: ContextVar[_Kept | None] = ContextVar("kept_push_session", default=None)


@contextmanager
def kept_open(config: dict) -> Iterator[None]:
    """Within the block, pushes with this config share one HTTP session and VAPID tokens."""
    if _kept.get() is not None:
        yield
        return
    kept = _Kept(config)
    token = _kept.set(kept)
    try:
        yield
    finally:
        _kept.reset(token)
        kept.close()


SUBSCRIPTIONS = PushSubscription.__table__
# Built once: they run for every push the outbox sends.
_USERS_SUBSCRIPTIONS = (select(SUBSCRIPTIONS.c.id, SUBSCRIPTIONS.c.endpoint, SUBSCRIPTIONS.c.p256dh,
                               SUBSCRIPTIONS.c.auth)
                        .where(SUBSCRIPTIONS.c.user_id == bindparam("user_id")))
_FORGET = delete(SUBSCRIPTIONS).where(SUBSCRIPTIONS.c.id == bindparam("subscription_id"))


class _Subscription(NamedTuple):
    id: int
    endpoint: str
    p256dh: str
    auth: str


def _send_one(subscription, data: str, config) -> None:
    ttl = int(config.get("PUSH_TTL") or DEFAULT_TTL)
    timeout = float(config.get("PUSH_TIMEOUT") or DEFAULT_TIMEOUT)
    kept = _kept.get()
    if kept is not None and kept.config is config:
        _post_kept(kept, subscription, data, ttl, timeout)
        return
    webpush({"endpoint": subscription.endpoint,
             "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
            data=data, ttl=ttl, timeout=timeout, vapid_private_key=vapid.server_key(config),
            # A fresh dict each time: webpush fills in `aud` for the endpoint's origin in place.
            vapid_claims={"sub": vapid.subject(config)})


def _post_kept(kept: _Kept, subscription, data: str, ttl: int, timeout: float) -> None:
    """Encrypt the message for this subscription and POST it on a kept connection.

    The same request pywebpush's webpush() makes (aes128gcm body, TTL, VAPID Authorization),
    without requests: its work per request cost more CPU than encrypting.
    """
    endpoint = subscription.endpoint
    body = push_encryption.encrypt(data.encode(), _decoded(subscription.p256dh),
                                   _decoded(subscription.auth))
    headers = {**kept.vapid_headers(endpoint), "TTL": str(ttl), "Content-Encoding": "aes128gcm"}
    response = kept.connection(endpoint).post(endpoint, body, headers, timeout)
    if response.status > 202:  # as webpush() decides
        raise WebPushException(f"Push failed: {response.status}", response=response)


def _decoded(text: str) -> bytes:
    """Decode a subscription key (base64url, padding optional); a ValueError if it is not."""
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def send_push(db: Connection | Session, config: dict, message: OutgoingMessage) -> None:
    """Push the message's push_title/push_body to every subscription of the user."""
    subscriptions = driver_statements.fetch_all(db, _USERS_SUBSCRIPTIONS,
                                                {"user_id": message.user_id}, _Subscription._make)
    data = payload(message)
    delivered = failed = removed = 0
    for subscription in subscriptions:
        try:
            _send_one(subscription, data, config)
        except WebPushException as e:
            if e.status_code in GONE:
                db.execute(_FORGET, {"subscription_id": subscription.id})
                removed += 1
                continue
            log.warning("push to subscription %s failed: HTTP %s", subscription.id, e.status_code)
            failed += 1
        except (requests.RequestException, urllib3.exceptions.HTTPError, OSError,
                http.client.HTTPException, ValueError) as e:
            # Unreachable service, timeout, or keys the encryption refuses.
            log.warning("push to subscription %s failed: %s", subscription.id,
                        e.__class__.__name__)
            failed += 1
        else:
            delivered += 1
    if removed:
        db.commit()
    if failed and not delivered:
        raise ChannelError(f"push failed on all {failed} subscriptions of user {message.user_id}")
