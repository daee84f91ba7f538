"""Web push to a user's subscribed browsers, signed with the server's VAPID key."""
import json
import logging

import requests
from pywebpush import WebPushException, webpush
from sqlmodel import Session, select

from ..models import PushSubscription
from . import ChannelError, OutgoingMessage, vapid

log = logging.getLogger(__name__)
DEFAULT_TTL = 4 * 60 * 60  # a reminder older than a few hours is no longer worth showing
DEFAULT_TIMEOUT = 10  # seconds; a slow push service must not stall the outbox
GONE = (404, 410)  # the push service forgot this subscription: it will never work again


def payload(message: OutgoingMessage) -> str:
    """Return the JSON the service worker shows: push texts only, never a child's name."""
    url = message.link if message.link.startswith("/") and not message.link.startswith("//") \
        else "/inbox"
    return json.dumps({"title": message.push_title, "body": message.push_body, "url": url})


def _send_one(subscription: PushSubscription, data: str, config) -> None:
    webpush(
        subscription_info={"endpoint": subscription.endpoint,
                           "keys": {"p256dh": subscription.p256dh, "auth": subscription.auth}},
        data=data,
        vapid_private_key=vapid.server_key(config),
        # A fresh dict each time: webpush fills in `aud` for the endpoint's origin in place.
        vapid_claims={"sub": vapid.subject(config)},
        ttl=int(config.get("PUSH_TTL") or DEFAULT_TTL),
        timeout=float(config.get("PUSH_TIMEOUT") or DEFAULT_TIMEOUT),
    )


def send_push(session: Session, config: dict, message: OutgoingMessage) -> None:
    """Push the message's push_title/push_body to every subscription of the user."""
    subscriptions = session.exec(
        select(PushSubscription).where(PushSubscription.user_id == message.user_id)).all()
    data = payload(message)
    delivered = failed = removed = 0
    for subscription in subscriptions:
        try:
            _send_one(subscription, data, config)
        except WebPushException as e:
            if e.status_code in GONE:
                session.delete(subscription)
                removed += 1
                continue
            log.warning("push to subscription %s failed: HTTP %s", subscription.id, e.status_code)
            failed += 1
        except (requests.RequestException, ValueError) as e:
            # Unreachable service, timeout, or keys the encryption refuses.
            log.warning("push to subscription %s failed: %s", subscription.id,
                        e.__class__.__name__)
            failed += 1
        else:
            delivered += 1
    if removed:
        session.commit()
    if failed and not delivered:
        raise ChannelError(f"push failed on all {failed} subscriptions of user {message.user_id}")
