"""Pages, htmx fragments and JSON go compressed (brotli or gzip) to clients that accept them.

Flask-Compress does the work. Left as they are: responses under 500 bytes, ones already
encoded, streamed ones (file downloads, /sw.js), and 1xx/3xx (304s included); 4xx and 5xx
pages (a refused form re-shown, not found) go compressed like a 200. A strong
ETag gets the encoding appended, so validators stay per encoding. Static files never come here:
WhiteNoise serves their precompressed copies (static_assets.py).

Compressed pages carry the CSRF token beside text the user typed: csrf_mask.py masks it afresh
for every response, so a BREACH-style guess-and-measure attack has nothing steady to find.
"""
from flask import Flask, Response, request
from flask_compress import Compress

ALGORITHMS = ["br", "gzip"]  # browsers offer brotli over HTTPS, gzip everywhere
SETTINGS = {
    "COMPRESS_MIMETYPES": ["text/html", "text/plain", "application/json",
                           "application/manifest+json"],
    "COMPRESS_ALGORITHM": ALGORITHMS,
    "COMPRESS_BR_LEVEL": 4,  # brotli's fast level: a page takes well under a millisecond
    "COMPRESS_LEVEL": 6,
    "COMPRESS_MIN_SIZE": 500,
    "COMPRESS_STREAMS": False,
    "COMPRESS_REGISTER": False,  # registered below, behind the q=0 check
}

compress = Compress()


def compress_response(response: Response) -> Response:
    """Compress when the client accepts one of ours; say the answer depends on it either way."""
    # Flask-Compress 1.25 picks an encoding the client refused with q=0 ("gzip;q=0");
    # werkzeug's parser reads q=0 as "not acceptable", so it decides whether to compress.
    if request.accept_encodings.best_match(ALGORITHMS) is None:
        response.vary.add("Accept-Encoding")
        return response
    if response.status_code < 400:
        return compress.after_request(response)
    # Flask-Compress leaves anything but 2xx plain; a refused form (422) re-shows the whole
    # page, often on a weak signal. Compressed as the 200 it would be, its status kept.
    status = response.status_code
    response.status_code = 200
    try:
        return compress.after_request(response)
    finally:
        response.status_code = status


def init_app(app: Flask) -> None:
    """Register first: after_request hooks run in reverse, so this sees the finished response."""
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    compress.init_app(app)
    app.after_request(compress_response)
