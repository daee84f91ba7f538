"""Web push end to end, offline: a fake push service on 127.0.0.1 checks VAPID and decrypts."""
import base64
import json
import os
import stat
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import http_ece
import pytest
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from sqlmodel import select

from graded_exposure.channels import (
    ChannelError,
    OutgoingMessage,
    push,
    push_connections,
    vapid,
)
from graded_exposure.channels.push import send_push
from graded_exposure.models import PushSubscription

STATUS_BY_PATH = {"/ok": 201, "/ok2": 201, "/ok3": 201, "/gone": 410, "/missing": 404,
                  "/broken": 500}


def _b64decode(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def verified_claims(authorization: str, server_key: str, origin: str) -> dict:
    """Check an RFC 8292 `vapid t=…,k=…` header as a push service does; return its claims."""
    scheme, _, params = authorization.partition(" ")
    assert scheme == "vapid", authorization
    fields = dict(part.strip().split("=", 1) for part in params.split(","))
    assert fields["k"] == server_key, "signed with a key other than the instance's"
    header, payload, signature = fields["t"].split(".")
    assert json.loads(_b64decode(header)) == {"typ": "JWT", "alg": "ES256"}
    raw = _b64decode(signature)
    der = encode_dss_signature(int.from_bytes(raw[:32], "big"), int.from_bytes(raw[32:], "big"))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64decode(server_key))
    public.verify(der, f"{header}.{payload}".encode(), ec.ECDSA(hashes.SHA256()))
    claims = json.loads(_b64decode(payload))
    assert claims["aud"] == origin
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600
    assert claims["sub"].startswith("mailto:")
    return claims


class FakePushService:
    """A push service on 127.0.0.1: verifies VAPID, keeps what it got, answers per path."""

    def __init__(self, server_key: str):
        self.server_key, self.received, self.errors, self.delay = server_key, [], [], 0.0
        # "quietly": close each connection after answering, as a service dropping idle clients
        # does; "saying so": answer with Connection: close first.
        self.hang_up = None
        self.clients = []  # (address, port) of each request: one port per connection
        service = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keeps connections alive, as push services do

            def do_POST(self):
                service.clients.append(self.client_address)
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                time.sleep(service.delay)
                try:
                    claims = verified_claims(self.headers["Authorization"], service.server_key,
                                             service.origin)
                except (AssertionError, InvalidSignature, KeyError, ValueError) as e:
                    service.errors.append(repr(e))
                    self.send_response(403)
                else:
                    service.received.append((self.path, {k.lower(): v for k, v in self.headers.items()},
                                             body, claims))
                    self.send_response(STATUS_BY_PATH.get(self.path, 404))
                self.send_header("Content-Length", "0")
                if service.hang_up == "saying so":
                    self.send_header("Connection", "close")
                self.end_headers()
                if service.hang_up == "quietly":
                    self.wfile.flush()
                    self.close_connection = True

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


class Browser:
    """A subscribed browser: its own ECDH key pair and auth secret, as PushManager makes them."""

    def __init__(self):
        self.key = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)

    def subscription(self, user_id: int, endpoint: str) -> PushSubscription:
        public = self.key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
        return PushSubscription(user_id=user_id, endpoint=endpoint, p256dh=_b64(public),
                                auth=_b64(self.auth))

    def decrypt(self, body: bytes) -> dict:
        return json.loads(http_ece.decrypt(body, private_key=self.key, auth_secret=self.auth,
                                           version="aes128gcm"))


@pytest.fixture
def config(app, tmp_path):
    app.config["VAPID_PRIVATE_KEY_FILE"] = str(tmp_path / "instance" / "vapid_private_key.pem")
    return app.config


@pytest.fixture
def push_service(config):
    with FakePushService(vapid.application_server_key(config)) as service:
        yield service


def _subscribe(db, family, service, *paths) -> list[Browser]:
    browsers = [Browser() for _ in paths]
    db.add_all(b.subscription(family.user.id, service.origin + p) for b, p in zip(browsers, paths,
                                                                                 strict=True))
    db.commit()
    return browsers


def _message(family) -> OutgoingMessage:
    return OutgoingMessage(user_id=family.user.id, kind="practice",
                           title="Time for Sam to practise", body="Sam: walk to the gate.",
                           link=f"/children/{family.child.id}/practices/new",
                           push_title="Time to practise", push_body="A small brave step today?")


def _endpoints(db) -> list[str]:
    db.expire_all()
    return sorted(s.endpoint.rsplit("/", 1)[1] for s in db.exec(select(PushSubscription)))


def test_push_is_vapid_signed_encrypted_and_names_no_child(db, family, config, push_service):
    (browser,) = _subscribe(db, family, push_service, "/ok")
    send_push(db, config, _message(family))
    assert push_service.errors == []
    ((path, headers, body, claims),) = push_service.received
    assert path == "/ok"
    assert headers["ttl"] == str(4 * 60 * 60) and headers["content-encoding"] == "aes128gcm"
    assert claims["aud"] == push_service.origin
    payload = browser.decrypt(body)
    assert payload == {"title": "Time to practise", "body": "A small brave step today?",
                       "url": f"/children/{family.child.id}/practices/new"}
    assert "Sam" not in json.dumps(payload)


def test_ttl_comes_from_config(db, family, config, push_service):
    _subscribe(db, family, push_service, "/ok")
    config["PUSH_TTL"] = 600
    send_push(db, config, _message(family))
    assert push_service.received[0][1]["ttl"] == "600"


def test_gone_and_unknown_subscriptions_are_removed(db, family, config, push_service):
    _subscribe(db, family, push_service, "/gone", "/missing", "/ok")
    send_push(db, config, _message(family))
    assert len(push_service.received) == 3 and push_service.errors == []
    assert _endpoints(db) == ["ok"]


def test_a_failing_push_service_raises_and_keeps_the_subscription(db, family, config,
                                                                  push_service):
    _subscribe(db, family, push_service, "/broken")
    with pytest.raises(ChannelError):
        send_push(db, config, _message(family))
    assert _endpoints(db) == ["broken"]


def test_one_working_device_is_enough(db, family, config, push_service):
    _subscribe(db, family, push_service, "/broken", "/ok")
    send_push(db, config, _message(family))
    assert _endpoints(db) == ["broken", "ok"]


def test_a_slow_push_service_times_out(db, family, config, push_service):
    _subscribe(db, family, push_service, "/ok")
    config["PUSH_TIMEOUT"] = 0.3
    push_service.delay = 1.5
    with pytest.raises(ChannelError):
        send_push(db, config, _message(family))


def test_no_subscriptions_is_nothing_to_do(db, family, config, push_service):
    send_push(db, config, _message(family))
    assert push_service.received == []


def test_other_users_devices_get_nothing(db, family, other_family, config, push_service):
    _subscribe(db, other_family, push_service, "/ok")
    send_push(db, config, _message(family))
    assert push_service.received == []


def test_inside_kept_open_pushes_share_one_connection_and_each_is_encrypted(
        db, family, config, push_service):
    browsers = _subscribe(db, family, push_service, "/ok", "/ok2", "/ok3")
    with push.kept_open(config):
        for _ in range(4):
            send_push(db, config, _message(family))
    assert push_service.errors == []  # every request carried a valid VAPID token
    assert len(push_service.received) == 12 and len(set(push_service.clients)) == 1
    by_path = {}
    for path, _, body, _ in push_service.received:
        by_path.setdefault(path, []).append(body)
    for browser, path in zip(browsers, ("/ok", "/ok2", "/ok3"), strict=True):
        bodies = by_path[path]
        assert len(set(bodies)) == 4  # encrypted afresh for every message
        assert all(browser.decrypt(b)["title"] == "Time to practise" for b in bodies)


def test_outside_kept_open_each_push_has_a_connection_of_its_own(db, family, config,
                                                                push_service):
    _subscribe(db, family, push_service, "/ok")
    for _ in range(3):
        send_push(db, config, _message(family))
    assert len(push_service.received) == 3 and len(set(push_service.clients)) == 3


def test_vapid_key_is_made_once_and_kept_private(config):
    path = vapid.key_path(config)
    public = vapid.application_server_key(config)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert len(_b64decode(public)) == 65
    vapid._load.cache_clear()
    assert vapid.application_server_key(config) == public  # read back, not made anew
    assert [p.name for p in path.parent.iterdir()] == [path.name]  # no temporary files left


def test_inside_kept_open_gone_and_failing_services_are_handled_as_outside(db, family, config,
                                                                          push_service):
    _subscribe(db, family, push_service, "/gone", "/broken", "/ok")
    with push.kept_open(config):
        send_push(db, config, _message(family))  # one working device is enough
    assert len(push_service.received) == 3 and _endpoints(db) == ["broken", "ok"]


def test_inside_kept_open_a_failing_or_slow_push_service_raises(db, family, config,
                                                                push_service):
    _subscribe(db, family, push_service, "/broken")
    with push.kept_open(config), pytest.raises(ChannelError):
        send_push(db, config, _message(family))
    config["PUSH_TIMEOUT"], push_service.delay = 0.3, 1.5
    _subscribe(db, family, push_service, "/ok")
    with push.kept_open(config), pytest.raises(ChannelError):
        send_push(db, config, _message(family))


@pytest.mark.parametrize("hang_up", ["quietly", "saying so"])
def test_inside_kept_open_a_connection_the_service_closed_is_opened_again(
        db, family, config, push_service, hang_up):
    (browser,) = _subscribe(db, family, push_service, "/ok")
    push_service.hang_up = hang_up
    with push.kept_open(config):
        for _ in range(3):
            send_push(db, config, _message(family))
            time.sleep(0.05)  # let the service's side of the connection close
    assert push_service.errors == [] and len(push_service.received) == 3
    assert len(set(push_service.clients)) == 3  # a new connection after each hang-up
    assert all(browser.decrypt(body)["title"] == "Time to practise"
               for _, _, body, _ in push_service.received)


def test_through_a_proxy_pushes_go_by_urllib3_and_directly_by_a_kept_connection(monkeypatch):
    monkeypatch.delenv("NO_PROXY", raising=False)
    monkeypatch.delenv("no_proxy", raising=False)
    monkeypatch.setenv("HTTPS_PROXY", "http://127.0.0.1:9")
    assert isinstance(push_connections.for_origin("https://push.example"),
                      push_connections.Proxied)
    monkeypatch.delenv("HTTPS_PROXY")
    monkeypatch.delenv("https_proxy", raising=False)
    assert isinstance(push_connections.for_origin("https://push.example"),
                      push_connections.Direct)
