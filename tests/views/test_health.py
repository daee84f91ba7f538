"""GET /healthz: 200 with fixed words while the database answers, 503 when it does not."""
import socket
from datetime import timedelta

import pytest

from graded_exposure import create_app
from graded_exposure.models import utcnow
from graded_exposure.services import health


def test_ok_with_the_scheduler_heartbeat_age(client, db):
    health.record_scheduler_pass(db, utcnow() - timedelta(seconds=12))
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.get_json()
    assert body.pop("scheduler_last_pass_seconds_ago") in (12, 13)  # a second may tick by
    assert body == {"status": "ok", "database": "ok", "scheduler": "ok"}


def test_a_stale_scheduler_is_reported_but_the_worker_stays_in_service(app, client, db):
    stale = app.config["SCHEDULER_STALE_AFTER"] + timedelta(minutes=1)
    health.record_scheduler_pass(db, utcnow() - stale)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["scheduler"] == "stale"


def test_before_the_first_pass(client):
    assert client.get("/healthz").get_json() == {
        "status": "ok", "database": "ok", "scheduler": "never",
        "scheduler_last_pass_seconds_ago": None}


def test_no_cookie_no_cache_no_compression_no_login(client):
    response = client.get("/healthz", headers={"Accept-Encoding": "br, gzip"})
    assert response.status_code == 200  # nobody logged in
    assert "Set-Cookie" not in response.headers
    assert response.headers["Cache-Control"] == "no-store"
    assert response.mimetype == "application/json"
    assert "Content-Encoding" not in response.headers


def test_head_works_and_post_is_not_allowed_without_any_token_check(client):
    assert client.head("/healthz").status_code == 200
    assert client.post("/healthz").status_code == 405  # not a CSRF 400: there is no state


def unreachable_urls(tmp_path):
    with socket.socket() as probe:  # a loopback port nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return {"postgresql": f"postgresql+psycopg://brave:secret-pw@127.0.0.1:{port}/brave_steps",
            "sqlite": f"sqlite:///{tmp_path / 'no-such-folder' / 'db.sqlite'}"}


@pytest.mark.parametrize("backend", ["postgresql", "sqlite"])
def test_503_when_the_database_is_unreachable_and_nothing_leaks(tmp_path, backend):
    url = unreachable_urls(tmp_path)[backend]
    app = create_app({"TESTING": True, "SECRET_KEY": "x", "DATABASE_URL": url})
    response = app.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "unavailable"}
    assert response.headers["Cache-Control"] == "no-store"
    text = response.get_data(as_text=True)
    for secret in ("127.0.0.1", "secret-pw", "brave_steps", "no-such-folder", "Error", "psycopg"):
        assert secret not in text
    app.extensions["db_engine"].dispose()
