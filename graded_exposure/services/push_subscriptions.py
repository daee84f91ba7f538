"""The browsers (phones) a user turned web push on for."""
import base64
import binascii
import hmac
from urllib.parse import urlsplit

from sqlmodel import Session, func, select

from ..errors import DomainError
from ..models import PushSubscription, User

# Push services of the major browsers. The server POSTs to whatever endpoint a browser gives,
# so only these hosts are accepted: an endpoint cannot point the server at anything else.
DEFAULT_PUSH_HOSTS = (
    "fcm.googleapis.com", "android.googleapis.com", "updates.push.services.mozilla.com",
    ".push.apple.com", ".notify.windows.com",
)


def _decoded(value: str) -> bytes:
    try:
        return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))
    except (binascii.Error, ValueError):
        return b""


def _plain(value: str) -> bool:
    """Push endpoints and keys are printable ASCII (URLs, base64url). Anything else came from a
    script, not a browser: a lone surrogate cannot even be sent to the database, and PostgreSQL
    refuses NUL in text."""
    return value.isascii() and value.isprintable()


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(host.endswith(a) if a.startswith(".") else host == a for a in allowed)


def checked_subscription(endpoint: str, p256dh: str, auth: str, allowed_hosts: tuple[str, ...]
                         = DEFAULT_PUSH_HOSTS) -> tuple[str, str, str]:
    """Validate a browser's PushSubscription, or raise DomainError."""
    if not all(isinstance(v, str) for v in (endpoint, p256dh, auth)):
        raise DomainError("The browser sent an incomplete push subscription.")
    if not all(_plain(v) for v in (endpoint, p256dh, auth)):
        raise DomainError("The browser sent a push subscription we cannot use.")
    parts = urlsplit(endpoint)
    if (len(endpoint) > 1000 or parts.scheme != "https" or parts.username or parts.port
            or not _host_allowed((parts.hostname or "").lower(), allowed_hosts)):
        raise DomainError("This browser's push service is not one we can send to.")
    key, secret = _decoded(p256dh), _decoded(auth)
    if len(p256dh) > 200 or len(key) != 65 or key[0] != 4 or len(auth) > 100 or len(secret) != 16:
        raise DomainError("The browser sent push keys we cannot use.")
    # Kept without base64 padding, so one subscription's keys compare equal however sent.
    return endpoint, p256dh.rstrip("="), auth.rstrip("=")


def subscribe(session: Session, user: User, endpoint: str, p256dh: str, auth: str,
              allowed_hosts: tuple[str, ...] = DEFAULT_PUSH_HOSTS) -> PushSubscription:
    """Save (or move to this user) the subscription of the browser in hand."""
    endpoint, p256dh, auth = checked_subscription(endpoint, p256dh, auth, allowed_hosts)
    found = session.exec(select(PushSubscription).where(
        PushSubscription.endpoint == endpoint)).first()
    # One browser, one recipient: whoever subscribed it last gets its notifications (a shared
    # tablet signed in again). Another user's browser moves only with its own keys: only the
    # browser holding the subscription has them (the auth secret); the endpoint alone is not
    # enough to take someone's notifications.
    if found is not None and found.user_id != user.id and not (
            found.p256dh == p256dh and hmac.compare_digest(found.auth, auth)):
        raise DomainError("The browser sent a push subscription we cannot use.")
    subscription = found or PushSubscription(user_id=user.id, endpoint=endpoint,
                                             p256dh=p256dh, auth=auth)
    subscription.user_id, subscription.p256dh, subscription.auth = user.id, p256dh, auth
    session.add(subscription)
    session.commit()
    return subscription


def unsubscribe(session: Session, user: User, endpoint: str) -> bool:
    """Forget the user's subscription with this endpoint; False if there was none."""
    if not _plain(endpoint):  # no such subscription can exist, and the query could not hold it
        return False
    subscription = session.exec(select(PushSubscription).where(
        PushSubscription.endpoint == endpoint, PushSubscription.user_id == user.id)).first()
    if subscription is None:
        return False
    session.delete(subscription)
    session.commit()
    return True


def device_count(session: Session, user: User) -> int:
    """Return how many browsers the user receives push notifications on."""
    query = select(func.count()).select_from(PushSubscription)
    return session.exec(query.where(PushSubscription.user_id == user.id)).one()
