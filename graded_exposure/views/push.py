"""The installable web app: manifest, service worker at /sw.js, push subscribe/unsubscribe."""
from flask import Blueprint, current_app, jsonify, request, send_from_directory, url_for
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


@bp.get("/sw.js")
def service_worker():
    # Served from the root so the worker's scope is the whole app, not just /static/.
    response = send_from_directory(current_app.static_folder, "sw.js",
                                   mimetype="text/javascript", max_age=0)
    response.headers["Service-Worker-Allowed"] = "/"
    response.headers["Cache-Control"] = "no-cache"
    return response


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
