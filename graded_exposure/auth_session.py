"""Flask-Login wiring: users come back only through a live server-side session."""
from functools import wraps

from flask import Flask, abort, current_app, flash, redirect, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from .db import get_session
from .extensions import htmx, login_manager
from .services import login_sessions
from .views import queued_sync
from .vocabulary import Role


@login_manager.user_loader
def _load_user(user_id: str):
    try:
        uid = int(user_id)
    except ValueError:
        return None
    return login_sessions.user_for(
        get_session(), session.get("sid"), uid,
        current_app.config["SESSION_IDLE_TIMEOUT"],
        current_app.config["PERMANENT_SESSION_LIFETIME"],
    )


@login_manager.unauthorized_handler
def _unauthorized():
    if queued_sync.is_queued_sync():
        return queued_sync.failed(401, queued_sync.SIGNED_OUT)
    login_url = url_for("auth.login", next=request.full_path if request.method == "GET" else None)
    if htmx:
        # A 302 would swap the login page into a fragment; send the browser there instead.
        response = current_app.response_class(status=401)
        response.headers["HX-Redirect"] = login_url
        return response
    flash(login_manager.login_message, "info")
    return redirect(login_url)


def log_in(user) -> None:
    """Start a fresh session (new id, new row) for the user and log them in."""
    db = get_session()
    session.clear()
    session["sid"] = login_sessions.start(db, user)
    db.commit()
    session.permanent = True
    login_user(user)


def log_out() -> None:
    """End the current session for good: a replayed cookie will not work."""
    db = get_session()
    login_sessions.end(db, session.get("sid"))
    db.commit()
    logout_user()
    session.clear()


def current_sid() -> str | None:
    """Return the id of the current server-side login session."""
    return session.get("sid")


def init_app(app: Flask) -> None:
    """Bind Flask-Login to the app."""
    login_manager.init_app(app)
    app.jinja_env.globals["current_user"] = current_user


@login_required
def require_login():
    """A blueprint `before_request` hook: every view behind it needs a logged-in user."""
    return None


def caregiver_required(view):
    """Decorate a view that only a logged-in caregiver with a family may use."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.family_id is None:
            abort(404)
        return view(*args, **kwargs)
    return wrapped


def therapist_required(view):
    """Decorate a view that only a logged-in therapist may use (404 for caregivers)."""
    @wraps(view)
    def wrapped(*args, **kwargs):
        if not current_user.is_authenticated:
            return login_manager.unauthorized()
        if current_user.role != Role.THERAPIST:
            abort(404)
        return view(*args, **kwargs)
    return wrapped
