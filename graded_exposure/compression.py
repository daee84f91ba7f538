"""Pages, htmx fragments and JSON go compressed (brotli or gzip) to clients that accept them.

Flask-Compress does the work. Left as they are: responses under 500 bytes, ones already
encoded, streamed ones (file downloads, /sw.js), and anything but 2xx (304s included). A strong
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
    return compress.after_request(response)


def init_app(app: Flask) -> None:
    """Register first: after_request hooks run in reverse, so this sees the finished response."""
    for name, value in SETTINGS.items():
        app.config.setdefault(name, value)
    compress.init_app(app)
    app.after_request(compress_response)
