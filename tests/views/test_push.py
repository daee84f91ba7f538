"""The installable app and push settings: manifest, service worker, subscribe, unsubscribe."""
import base64
import json

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from sqlmodel import select

from graded_exposure.models import PushSubscription
from tests.conftest import csrf_from

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _browser_keys() -> dict:
    public = ec.generate_private_key(ec.SECP256R1()).public_key().public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": _b64(public), "auth": _b64(b"0123456789abcdef")}


def _post_json(family, url, payload, token=True):
    headers = {"X-CSRFToken": family.csrf()} if token else {}
    return family.client.post(url, data=json.dumps(payload), headers=headers,
                              content_type="application/json")


def _subscriptions(db):
    db.expire_all()
    return list(db.exec(select(PushSubscription)))


def test_manifest_makes_the_app_installable(client, app):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response.mimetype == "application/manifest+json"
    manifest = response.get_json()
    assert manifest["name"] == "Brave Steps" and manifest["display"] == "standalone"
    assert manifest["start_url"] == "/" and manifest["scope"] == "/"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512", "any"} <= sizes
    for icon in manifest["icons"]:
        with client.get(icon["src"]) as image:
            assert image.status_code == 200 and image.mimetype.startswith("image/"), icon["src"]


def test_service_worker_is_served_from_the_root(client):
    with client.get("/sw.js") as response:
        assert response.status_code == 200 and response.mimetype == "text/javascript"
        assert response.headers["Service-Worker-Allowed"] == "/"
        body = response.get_data(as_text=True)
    assert 'addEventListener("push"' in body and 'addEventListener("notificationclick"' in body


def test_csp_allows_our_own_worker_and_manifest(client):
    csp = client.get("/login").headers["Content-Security-Policy"]
    assert "worker-src 'self'" in csp and "manifest-src 'self'" in csp


def test_subscribe_stores_the_browsers_subscription(family, db):
    keys = _browser_keys()
    response = _post_json(family, "/push/subscribe", {"endpoint": ENDPOINT, "keys": keys})
    assert response.status_code == 201
    (subscription,) = _subscriptions(db)
    assert (subscription.user_id, subscription.endpoint) == (family.user.id, ENDPOINT)
    assert (subscription.p256dh, subscription.auth) == (keys["p256dh"], keys["auth"])
    assert "You have them on for 1 browser" in family.client.get("/reminders").get_data(
        as_text=True)


def test_the_same_browser_subscribing_for_another_user_moves_to_them(family, other_family, db):
    # A shared tablet: one browser, its one subscription (endpoint and keys), a new sign-in.
    keys = _browser_keys()
    _post_json(family, "/push/subscribe", {"endpoint": ENDPOINT, "keys": keys})
    moved = _post_json(other_family, "/push/subscribe", {"endpoint": ENDPOINT, "keys": keys})
    assert moved.status_code == 201
    assert [s.user_id for s in _subscriptions(db)] == [other_family.user.id]


def test_the_same_keys_with_or_without_padding_are_the_same_browser(family, other_family, db):
    keys = _browser_keys()
    padded = {name: value + "=" * (-len(value) % 4) for name, value in keys.items()}
    assert _post_json(family, "/push/subscribe",
                      {"endpoint": ENDPOINT, "keys": padded}).status_code == 201
    assert _post_json(other_family, "/push/subscribe",
                      {"endpoint": ENDPOINT, "keys": keys}).status_code == 201
    (moved,) = _subscriptions(db)
    assert (moved.user_id, moved.p256dh, moved.auth) == (other_family.user.id, keys["p256dh"],
                                                         keys["auth"])


def test_an_endpoint_sent_with_other_keys_does_not_take_another_users_browser(
        family, other_family, db):
    # Found from outside: anyone who learned a phone's endpoint could post it with keys of
    # their own and take its notifications (the phone's owner silently got none). Only the
    # browser holding the subscription has its keys (the auth secret).
    keys = _browser_keys()
    _post_json(family, "/push/subscribe", {"endpoint": ENDPOINT, "keys": keys})
    taken = _post_json(other_family, "/push/subscribe",
                       {"endpoint": ENDPOINT, "keys": {**_browser_keys(), "auth": _b64(b"x" * 16)}})
    assert taken.status_code == 422 and taken.get_json()["error"]
    (kept,) = _subscriptions(db)
    assert (kept.user_id, kept.p256dh, kept.auth) == (family.user.id, keys["p256dh"], keys["auth"])


@pytest.mark.parametrize("payload", [
    {"endpoint": "http://fcm.googleapis.com/fcm/send/x", "keys": _browser_keys()},
    {"endpoint": "https://127.0.0.1/push", "keys": _browser_keys()},
    {"endpoint": "https://evil.example.com/fcm.googleapis.com", "keys": _browser_keys()},
    {"endpoint": "https://fcm.googleapis.com.evil.example/x", "keys": _browser_keys()},
    {"endpoint": "https://fcm.googleapis.com:8443/x", "keys": _browser_keys()},
    {"endpoint": ENDPOINT, "keys": {"p256dh": "short", "auth": "x"}},
    {"endpoint": ENDPOINT, "keys": {"p256dh": 5, "auth": None}},
    {"endpoint": ENDPOINT},
    {"endpoint": ENDPOINT + "x" * 1000, "keys": _browser_keys()},
    ["not", "an", "object"],
    # Found from outside: a 500 (a lone surrogate cannot be encoded for the query; PostgreSQL
    # refuses NUL in text). No browser sends these; a script can.
    {"endpoint": ENDPOINT + "\ud800", "keys": _browser_keys()},
    {"endpoint": ENDPOINT + "\u0000", "keys": _browser_keys()},
    {"endpoint": ENDPOINT, "keys": {**_browser_keys(), "auth": "\ud800" * 22}},
])
def test_bad_subscriptions_are_refused(family, db, payload):
    response = _post_json(family, "/push/subscribe", payload)
    assert response.status_code == 422 and response.get_json()["error"]
    assert _subscriptions(db) == []


def test_subscribe_needs_csrf_and_login(family, client, db):
    payload = {"endpoint": ENDPOINT, "keys": _browser_keys()}
    assert _post_json(family, "/push/subscribe", payload, token=False).status_code == 400
    token = csrf_from(client.get("/login").get_data(as_text=True))
    response = client.post("/push/subscribe", data=json.dumps(payload),
                           headers={"X-CSRFToken": token}, content_type="application/json")
    assert response.status_code in (302, 401)
    assert _subscriptions(db) == []


def test_unsubscribe_removes_only_the_users_own(family, other_family, db):
    _post_json(family, "/push/subscribe", {"endpoint": ENDPOINT, "keys": _browser_keys()})
    response = _post_json(other_family, "/push/unsubscribe", {"endpoint": ENDPOINT})
    assert response.get_json() == {"unsubscribed": False} and len(_subscriptions(db)) == 1
    response = _post_json(family, "/push/unsubscribe", {"endpoint": ENDPOINT})
    assert response.get_json() == {"unsubscribed": True} and _subscriptions(db) == []
    assert _post_json(family, "/push/unsubscribe", {"nope": 1}).status_code == 422


@pytest.mark.parametrize("endpoint", [ENDPOINT + "\ud800", ENDPOINT + "\u0000", "\u0000"])
def test_an_endpoint_no_browser_sends_removes_nothing_and_is_no_error(family, db, endpoint):
    _post_json(family, "/push/subscribe", {"endpoint": ENDPOINT, "keys": _browser_keys()})
    response = _post_json(family, "/push/unsubscribe", {"endpoint": endpoint})
    assert response.status_code == 200 and response.get_json() == {"unsubscribed": False}
    if endpoint.isascii():  # a form cannot carry a lone surrogate (its bytes stay text)
        assert family.post("/logout", {"push_endpoint": endpoint}).status_code == 303
    assert len(_subscriptions(db)) == 1
