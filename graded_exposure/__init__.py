"""Brave Steps: graded exposure ladders for anxious children, their families and therapists."""
import logging
from pathlib import Path

from flask import Flask

from . import (
    auth_session,
    cli,
    compression,
    db,
    errors_http,
    http_headers,
    macro_imports,
    public_address,
    scheduler,
    session_cookie,
    static_assets,
    url_memo,
)
from .config import ROOT, load_config
from .extensions import csrf, htmx
from .services import accounts
from .views import filters, form_inputs


def create_app(test_config: dict | None = None) -> Flask:
    """Create and configure the Brave Steps application."""
    app = Flask(
        __name__,
        instance_path=str(ROOT / "instance"),
        instance_relative_config=True,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
    )
    Path(app.instance_path).mkdir(parents=True, exist_ok=True)
    app.config.from_mapping(load_config(app.instance_path))
    if test_config:
        app.config.from_mapping(test_config)
    logging.basicConfig(level=logging.INFO)
    accounts.use_hash_method(app.config["PASSWORD_HASH_METHOD"])

    public_address.init_app(app)  # first: it may refuse to start
    compression.init_app(app)  # before every other after_request hook, so it runs last
    db.init_app(app)
    csrf.init_app(app)
    htmx.init_app(app)
    session_cookie.init_app(app)
    auth_session.init_app(app)
    http_headers.init_app(app)
    errors_http.init_app(app)
    cli.init_app(app)
    _register_blueprints(app)
    filters.init_app(app)
    form_inputs.init_app(app)
    scheduler.init_app(app)  # only with RUN_SCHEDULER, once, and never in a gunicorn worker
    url_memo.init_app(app)
    macro_imports.init_app(app)
    static_assets.init_app(app)  # wraps app.wsgi_app: WhiteNoise answers /static/ first
    return app


def _register_blueprints(app: Flask) -> None:
    from .views import (
        auth,
        boosters,
        calendar_feed,
        checkins,
        child_mode,
        children,
        data_rights,
        email_unsubscribe,
        expectancy,
        family,
        health,
        home,
        inbox,
        insights,
        ladders,
        links,
        live,
        notes,
        plans,
        practices,
        progress,
        push,
        reminders,
        steps,
        therapist,
        therapy_sessions,
        why,
    )

    for module in (health, auth, home, children, family, ladders, steps, practices, checkins,
                   insights, progress, child_mode, reminders, inbox, push, email_unsubscribe,
                   therapist, therapy_sessions, notes, links, data_rights, calendar_feed, why,
                   plans, expectancy, boosters):
        app.register_blueprint(module.bp)
    app.register_blueprint(live.bp)
    app.register_blueprint(live.host_bp)
