"""Register, log in and out, reset and change passwords."""
from flask import Blueprint, current_app, flash, request, session, url_for
from flask_login import current_user, login_required

from .. import auth_session, known_devices
from ..db import get_session
from ..errors import DomainError
from ..forms.auth import (
    ChangePasswordForm,
    FinishSignUpForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from ..forms.zones import zone_choices
from ..models import FamilyInvite
from ..public_address import public_url
from ..rules.safe_redirect import safe_next_path
from ..services import accounts, push_subscriptions, registrations
from ..services.login_throttle import LoginLimits
from . import emails
from .filters import lifetime
from .responses import client_ip, refusal_on, render, render_form, see_other

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        with refusal_on(form):
            return start_sign_up(form.email.data, form.password.data, form.display_name.data,
                                 role=form.role.data, timezone=form.timezone.data)
    return render_form("auth/register.html", form, zones=zone_choices())


def start_sign_up(email: str, password: str, display_name: str, *, role: str, timezone: str,
                  invite: FamilyInvite | None = None):
    """Send the sign-up link, or tell an existing account's owner, and answer "check your
    email" either way (the join page too, with the invitation the account will join)."""
    emails.reserve("sign_up", email)
    registrations.start_sign_up(
        get_session(), email=email, password=password, display_name=display_name, role=role,
        timezone=timezone, invite=invite,
        lifetime=current_app.config["SIGNUP_TOKEN_LIFETIME"],
        reset_lifetime=current_app.config["RESET_TOKEN_LIFETIME"],
        send_link=lambda token: emails.send(
            "sign_up", email, lifetime=lifetime("SIGNUP_TOKEN_LIFETIME"),
            link=public_url("auth.finish_sign_up", token=token)),
        warn_owner=lambda user, token: emails.send(
            "sign_up_existing", user.email, lifetime=lifetime("RESET_TOKEN_LIFETIME"),
            link=public_url("auth.reset_password", token=token),
            login_link=public_url("auth.login")))
    session["sign_up_email"] = email.strip()
    session["sign_up_joins"] = invite is not None
    return see_other(url_for("auth.check_email"))


@bp.get("/register/check-email")
def check_email():
    return render("auth/check_email.html", email=session.get("sign_up_email"),
                  joining=session.get("sign_up_joins", False))


@bp.route("/register/<token>", methods=["GET", "POST"])
def finish_sign_up(token: str):
    form = FinishSignUpForm()
    try:
        pending = registrations.pending_sign_up(get_session(), token)
        if form.validate_on_submit():
            joins = pending.family_invite_id is not None
            try:
                user = registrations.finish_sign_up(get_session(), token, form.password.data)
            except registrations.WrongPassword as e:
                form.password.errors = [str(e)]
            else:
                auth_session.log_in(user)
                flash("Welcome to the family!" if joins else
                      f"Welcome, {user.display_name}! Your account is ready.", "success")
                return see_other(url_for("home.index"))
    except DomainError as e:
        return render("auth/finish_sign_up.html", form=None, error=str(e), status=404)
    return render_form("auth/finish_sign_up.html", form, pending=pending, error=None)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        with refusal_on(form):  # authenticate refuses with LoginRefused only
            user = accounts.authenticate(
                get_session(), form.email.data, form.password.data, client_ip(),
                limits=LoginLimits.from_config(current_app.config),
                known_device=known_devices.read())
            auth_session.log_in(user)
            target = safe_next_path(request.args.get("next"), url_for("home.index"))
            return known_devices.remember(see_other(target), user.id)
    return render_form("auth/login.html", form)


@bp.post("/logout")
def logout():
    endpoint = request.form.get("push_endpoint", "")
    if endpoint and current_user.is_authenticated:
        # This phone stops getting the account's notifications (offline.js sends its push
        # address and unsubscribes the browser); the account's other devices keep theirs.
        push_subscriptions.unsubscribe(get_session(), current_user, endpoint)
    auth_session.log_out()
    flash("You are logged out.", "info")
    return see_other(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        with refusal_on(form):
            emails.reserve("reset", form.email.data)
            accounts.start_password_reset(
                get_session(), form.email.data, current_app.config["RESET_TOKEN_LIFETIME"],
                lambda user, token: emails.send(
                    "reset", user.email, lifetime=lifetime("RESET_TOKEN_LIFETIME"),
                    link=public_url("auth.reset_password", token=token)))
            # The same answer whether or not the address has an account.
            flash("If that address has an account, we have emailed a reset link to it.", "info")
            return see_other(url_for("auth.login"))
        return render("auth/reset_request.html", form=form, status=429)  # too many emails
    return render_form("auth/reset_request.html", form)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    with refusal_on(form):
        accounts.check_reset_token(get_session(), token)
        if form.validate_on_submit():
            accounts.reset_password(get_session(), token, form.password.data)
            flash("Your password is changed. Please log in.", "success")
            return see_other(url_for("auth.login"))
    return render_form("auth/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        with refusal_on(form):
            accounts.change_password(get_session(), current_user, form.current.data, form.new.data,
                                     keep_sid=auth_session.current_sid())
            flash("Password changed. You were logged out everywhere else.", "success")
            return see_other(url_for("auth.account"))
    return render_form("auth/account.html", form)
