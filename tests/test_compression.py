"""Pages, fragments and JSON go compressed to clients that accept it; some responses never do."""
import gzip

import brotli
import pytest
from flask import Response, stream_with_context

from tests.conftest import HX
from tests.factories import current_step, make_ladder

GZIP = {"Accept-Encoding": "gzip"}


def _vary(response) -> set[str]:
    return {v.strip() for v in response.headers.get("Vary", "").split(",")}


def test_a_page_goes_gzipped_to_a_client_that_accepts_it(client):
    plain = client.get("/login")
    response = client.get("/login", headers=GZIP)
    assert response.headers["Content-Encoding"] == "gzip"
    assert {"Accept-Encoding", "HX-Request"} <= _vary(response)
    html = gzip.decompress(response.get_data()).decode()
    assert "<form" in html and len(response.get_data()) < len(plain.get_data()) / 2
    assert int(response.headers["Content-Length"]) == len(response.get_data())


def test_brotli_is_preferred_when_offered(client):
    response = client.get("/login", headers={"Accept-Encoding": "gzip, deflate, br"})
    assert response.headers["Content-Encoding"] == "br"
    assert "<form" in brotli.decompress(response.get_data()).decode()


def test_a_client_that_does_not_accept_it_gets_plain_bytes(client):
    for headers in ({}, {"Accept-Encoding": "identity"}, {"Accept-Encoding": "gzip;q=0"},
                    {"Accept-Encoding": "identity;q=1, *;q=0"}):
        response = client.get("/login", headers=headers)
        assert "Content-Encoding" not in response.headers, headers
        assert "<form" in response.get_data(as_text=True)
        assert "Accept-Encoding" in _vary(response)  # a cache must not hand it the gzipped one


def test_htmx_fragments_and_json_are_compressed(family):
    child = family.child.id
    fragment = family.client.get(f"/children/{child}", headers={**HX, **GZIP})
    assert fragment.status_code == 200 and fragment.headers["Content-Encoding"] == "gzip"
    manifest = family.client.get("/manifest.webmanifest", headers=GZIP)
    assert manifest.status_code == 200 and manifest.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(manifest.get_data()).startswith(b"{")


def test_a_refused_form_goes_compressed_too(db, family):
    """A 422 re-shows the whole form, often on a weak signal: it goes compressed like a 200,
    keeping its status; a not-found page too."""
    child = family.child.id
    step = current_step(make_ladder(db, family.child))
    data = {"csrf_token": family.csrf(), "step": step.id, "idempotency_key": "a" * 32}
    plain = family.client.post(f"/children/{child}/practices", data=data)
    refused = family.client.post(f"/children/{child}/practices", data=data, headers=GZIP)
    assert refused.status_code == plain.status_code == 422
    assert refused.headers["Content-Encoding"] == "gzip"
    html = gzip.decompress(refused.get_data()).decode()
    assert "Tap how scared your child was before." in html
    assert len(refused.get_data()) < len(plain.get_data()) / 2
    missing = family.client.get("/children/999999", headers=GZIP)
    assert missing.status_code == 404 and missing.headers["Content-Encoding"] == "gzip"
    assert "We could not find that page." in gzip.decompress(missing.get_data()).decode()


def test_tiny_bodies_stay_plain(family):
    response = family.client.post("/push/unsubscribe", json={"endpoint": "https://x.example/1"},
                                  headers={"X-CSRFToken": family.csrf(), **GZIP})
    assert response.status_code == 200 and len(response.get_data()) < 500
    assert "Content-Encoding" not in response.headers


def test_a_304_carries_no_encoding(client):
    with client.get("/sw.js") as first:
        etag = first.headers["ETag"]
    with client.get("/sw.js", headers={"If-None-Match": etag, **GZIP}) as response:
        assert response.status_code == 304 and "Content-Encoding" not in response.headers


@pytest.mark.own_app
def test_streamed_and_already_encoded_responses_are_left_alone(app):
    @app.get("/streamed")
    def streamed():
        return Response(stream_with_context("<p>row</p>\n" for _ in range(500)),
                        mimetype="text/html")

    @app.get("/encoded")
    def encoded():
        body = gzip.compress(b"<p>already</p>" * 200)
        return Response(body, mimetype="text/html", headers={"Content-Encoding": "gzip"})

    client = app.test_client()
    response = client.get("/streamed", headers=GZIP)
    assert "Content-Encoding" not in response.headers
    assert response.get_data(as_text=True).count("<p>row</p>") == 500
    response = client.get("/encoded", headers={"Accept-Encoding": "gzip, br"})
    assert response.headers["Content-Encoding"] == "gzip"
    assert gzip.decompress(response.get_data()) == b"<p>already</p>" * 200
