"""The kept push connection's own HTTP/1.1: requests written whole, responses read as sent."""
import http.client
import io

import pytest

from graded_exposure.channels.push_connections import http_request, read_response


def _read(raw: bytes):
    reader = io.BufferedReader(io.BytesIO(raw))
    response = read_response(reader)
    return response, reader.read()  # what is left for the next response


def test_a_request_is_one_post_with_host_length_and_the_headers_given():
    request = http_request("push.example:8443", "/wpush/v2/abc?x=1", b"\x00body",
                           {"TTL": "60", "Authorization": "vapid t=a.b.c, k=K"})
    assert request == (b"POST /wpush/v2/abc?x=1 HTTP/1.1\r\nHost: push.example:8443\r\n"
                       b"Content-Length: 5\r\nTTL: 60\r\nAuthorization: vapid t=a.b.c, k=K\r\n"
                       b"\r\n\x00body")


@pytest.mark.parametrize(("target", "headers"), [
    ("/a\r\nX-Evil: 1", {}), ("/a b", {}), ("/a", {"TTL": "60\r\nX-Evil: 1"}),
    ("/a", {"X\nEvil": "1"}), ("/a", {"TTL": "6\x000"}),
])
def test_a_target_or_header_that_would_break_its_line_is_refused(target, headers):
    with pytest.raises(ValueError):
        http_request("push.example", target, b"", headers)


def test_a_response_by_content_length_leaves_the_next_one_unread():
    response, rest = _read(b"HTTP/1.1 201 Created\r\nLocation: /m/1\r\nContent-Length: 2\r\n\r\n"
                           b"okHTTP/1.1 201 Created\r\n")
    assert (response.status, response.reason, response.body) == (201, "Created", b"ok")
    assert response.headers["location"] == "/m/1" and not response.will_close
    assert rest == b"HTTP/1.1 201 Created\r\n"


def test_a_chunked_response_is_read_to_its_end_with_trailers():
    response, rest = _read(b"HTTP/1.1 410 Gone\r\nTransfer-Encoding: chunked\r\n\r\n"
                           b"4;x=y\r\ngone\r\n3\r\n!!!\r\n0\r\nX-Trailer: 1\r\n\r\nNEXT")
    assert (response.status, response.body, rest) == (410, b"gone!!!", b"NEXT")


def test_informational_responses_are_skipped():
    response, _ = _read(b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 201 Created\r\n"
                        b"Content-Length: 0\r\n\r\n")
    assert response.status == 201


@pytest.mark.parametrize(("raw", "closes"), [
    (b"HTTP/1.1 201 Created\r\nConnection: close\r\nContent-Length: 0\r\n\r\n", True),
    (b"HTTP/1.0 201 Created\r\nContent-Length: 0\r\n\r\n", True),
    (b"HTTP/1.0 201 Created\r\nConnection: keep-alive\r\nContent-Length: 0\r\n\r\n", False),
    (b"HTTP/1.1 500 Oops\r\n\r\nuntil the end", True),  # no length: the body ends the connection
    (b"HTTP/1.1 204 No Content\r\n\r\n", False),
])
def test_whether_the_service_closes_the_connection_after_a_response(raw, closes):
    response, _ = _read(raw)
    assert response.will_close is closes


@pytest.mark.parametrize(("raw", "error"), [
    (b"", http.client.RemoteDisconnected),
    (b"HTTP/1.1 201 Created\r\nContent-Len", http.client.RemoteDisconnected),
    (b"SMTP 220 hello\r\n\r\n", http.client.BadStatusLine),
    (b"HTTP/1.1 2x1 Odd\r\n\r\n", http.client.BadStatusLine),
    (b"HTTP/1.1 201 Created\r\nContent-Length: 10\r\n\r\nshort", http.client.IncompleteRead),
    (b"HTTP/1.1 201 Created\r\nX: " + b"y" * 70000 + b"\r\n\r\n", http.client.LineTooLong),
])
def test_a_broken_or_cut_response_raises_an_http_error(raw, error):
    with pytest.raises(error):
        _read(raw)
