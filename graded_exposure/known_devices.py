"""The "known device" cookie: a signed note that this browser has logged in to an account.

It holds no secret and grants no access; it only lets login throttling count this device's
wrong passwords apart from a stranger's (services/login_throttle.py).
"""
import secrets

from flask import Response, current_app, request
from itsdangerous import BadSignature, URLSafeSerializer

COOKIE = "brave_steps_device"


def _serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="known-device")


def read() -> tuple[int, str] | None:
    """Return (user id, device id) from this browser's cookie, or None."""
    raw = request.cookies.get(COOKIE)
    if not raw:
        return None
    try:
        data = _serializer().loads(raw)
    except BadSignature:
        return None
    if not (isinstance(data, dict) and isinstance(data.get("u"), int)
            and isinstance(data.get("d"), str) and len(data["d"]) == 32):
        return None
    return data["u"], data["d"]


def remember(response: Response, user_id: int) -> Response:
    """Mark this browser as a known device of the user (keeping its id if it already was)."""
    current = read()
    device = current[1] if current and current[0] == user_id else secrets.token_hex(16)
    config = current_app.config
    response.set_cookie(COOKIE, _serializer().dumps({"u": user_id, "d": device}),
                        max_age=int(config["KNOWN_DEVICE_LIFETIME"].total_seconds()),
                        httponly=True, samesite="Lax", secure=config["SESSION_COOKIE_SECURE"])
    return response
