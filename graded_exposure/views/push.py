"""The installable web app: manifest, service worker at /sw.js, offline page, push settings."""
import hashlib
import json
from pathlib import Path

from flask import Blueprint, current_app, jsonify, render_template, request, url_for
from flask_login import current_user, login_required

from ..db import get_session
from ..errors import DomainError
from ..services import push_subscriptions

bp = Blueprint("push", __name__)


@bp.get("/manifest.webmanifest")
def manifest():
    icon = "icons/brave-steps-{}.png"
    response = jsonify({
        "name": "Brave Steps",
        "short_name": "Brave Steps",
        "description": "Small brave steps, practised every day.",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#fbfaf7",
        "theme_color": "#1f6f5c",
        "icons": [
            {"src": url_for("static", filename="icons/brave-steps.svg"), "sizes": "any",
             "type": "image/svg+xml", "purpose": "any"},
            *({"src": url_for("static", filename=icon.format(size)), "sizes": f"{size}x{size}",
               "type": "image/png", "purpose": "any"} for size in (192, 512)),
            {"src": url_for("static", filename="icons/brave-steps-maskable-512.png"),
             "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    })
    response.mimetype = "application/manifest+json"
    return response


# The app shell the service worker keeps for offline use, under this deploy's hashed names.
SHELL_FILES = ("css/app.css", "js/app.js", "js/offline.js", "vendor/htmx.min.js", "favicon.svg",
               "icons/brave-steps.svg", "icons/brave-steps-192.png",
               "icons/brave-steps-512.png", "icons/brave-steps-maskable-512.png")
# static/sw.js carries this line; the view puts the deploy's shell in its place.
BUILD_PLACEHOLDER = ('var BUILD = {"version": "dev", "shell": [], "offline": "/offline", '
                     '"loggedOut": "/offline/logged-out"};')


def shell_build() -> dict:
    """The shell's hashed URLs and a version naming them (and the two offline pages): a new
    deploy gets a new cache name, and the worker deletes the old caches when it takes over."""
    shell = [url_for("static", filename=name) for name in SHELL_FILES]
    pages = _offline_html() + _offline_html(logged_out=True)
    digest = hashlib.sha256("\n".join([*shell, pages]).encode()).hexdigest()
    return {"version": digest[:16], "shell": shell, "offline": url_for("push.offline"),
            "loggedOut": url_for("push.logged_out_offline")}


def _offline_html(*, logged_out: bool = False) -> str:
    return render_template("offline.html", logged_out=logged_out)


@bp.get("/sw.js")
def service_worker():
    source = Path(current_app.static_folder, "sw.js").read_text(encoding="utf-8")
    build = f"var BUILD = {json.dumps(shell_build())};"
    response = current_app.response_class(source.replace(BUILD_PLACEHOLDER, build, 1),
                                          mimetype="text/javascript")
    # Served from the root so the worker's scope is the whole app, not just /static/.
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    # Browsers check the worker for updates often: an unchanged one answers 304.
    response.add_etag()
    return response.make_conditional(request)


@bp.get("/offline")
def offline():
    """What the worker shows for a page it did not keep, when the network is gone."""
    return _offline_html()


@bp.get("/offline/logged-out")
def logged_out_offline():
    """What the worker shows after a logout sent without signal (it sends it once back)."""
    return _offline_html(logged_out=True)


def _subscription_fields() -> tuple[str, str, str]:
    data = request.get_json(silent=True)
    keys = data.get("keys") if isinstance(data, dict) else None
    if not isinstance(keys, dict):
        raise DomainError("Send the browser's push subscription as JSON.")
    return data.get("endpoint"), keys.get("p256dh"), keys.get("auth")


@bp.post("/push/subscribe")
@login_required
def subscribe():
    try:
        push_subscriptions.subscribe(
            get_session(), current_user, *_subscription_fields(),
            allowed_hosts=tuple(current_app.config.get("PUSH_SERVICE_HOSTS")
                                or push_subscriptions.DEFAULT_PUSH_HOSTS))
    except DomainError as e:
        return jsonify({"error": str(e)}), 422
    return jsonify({"subscribed": True}), 201


@bp.post("/push/unsubscribe")
@login_required
def unsubscribe():
    data = request.get_json(silent=True)
    endpoint = data.get("endpoint") if isinstance(data, dict) else None
    if not isinstance(endpoint, str):
        return jsonify({"error": "Send the endpoint of the subscription to remove."}), 422
    removed = push_subscriptions.unsubscribe(get_session(), current_user, endpoint)
    return jsonify({"unsubscribed": removed}), 200
