"""Security headers and caching rules added to every response."""
from flask import Flask, Response, current_app, request
from flask_login import current_user

from .public_address import serves_https

CONTENT_SECURITY_POLICY = "; ".join([
    "default-src 'self'",
    "script-src 'self'",
    "style-src 'self'",
    "img-src 'self' data:",
    # The service worker (/sw.js) and the web app manifest, for push and home-screen install.
    "worker-src 'self'",
    "manifest-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
])
# Every response carries these; static files too (static_assets.py gives them to WhiteNoise,
# which answers before Flask's after_request hooks run).
COMMON_HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "same-origin",
    "X-Frame-Options": "DENY",
}
STATIC_FILE_HEADERS = {"Content-Security-Policy": CONTENT_SECURITY_POLICY, **COMMON_HEADERS}
# Served over https: browsers use nothing else for this host for two years (not subdomains,
# which the app does not know about).
STRICT_TRANSPORT = "max-age=63072000"


def add_security_headers(response: Response) -> Response:
    """Set CSP, nosniff, referrer policy, and no-store on pages behind login."""
    response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
    response.headers.update(COMMON_HEADERS)
    if serves_https(current_app.config):
        response.headers["Strict-Transport-Security"] = STRICT_TRANSPORT
    if request.endpoint != "static" and current_user.is_authenticated:
        response.headers["Cache-Control"] = "no-store"
    # Pages and fragments share URLs (an htmx request gets a fragment, a boosted one the whole
    # page: views/responses.py); caches must keep the three apart.
    response.vary.update(("HX-Request", "HX-Boosted"))
    return response


def init_app(app: Flask) -> None:
    """Register the header hook."""
    app.after_request(add_security_headers)
