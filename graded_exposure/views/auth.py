"""Register, log in and out, reset and change passwords."""
from flask import Blueprint, current_app, flash, request, url_for
from flask_login import current_user, login_required

from .. import auth_session
from ..db import get_session
from ..errors import DomainError
from ..forms.auth import (
    ChangePasswordForm,
    LoginForm,
    RegisterForm,
    ResetPasswordForm,
    ResetRequestForm,
)
from ..rules.safe_redirect import safe_next_path
from ..services import accounts, mail
from .responses import client_ip, refused, render, see_other

bp = Blueprint("auth", __name__)


@bp.route("/register", methods=["GET", "POST"])
def register():
    form = RegisterForm()
    if form.validate_on_submit():
        try:
            user = accounts.register(
                get_session(), email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, role=form.role.data,
                timezone=form.timezone.data)
        except DomainError as e:
            form.form_errors.append(str(e))
        else:
            auth_session.log_in(user)
            flash(f"Welcome, {user.display_name}!", "success")
            return see_other(url_for("home.index"))
    if form.errors:
        return refused("auth/register.html", form=form)
    return render("auth/register.html", form=form)


@bp.route("/login", methods=["GET", "POST"])
def login():
    form = LoginForm()
    if form.validate_on_submit():
        cfg = current_app.config
        try:
            user = accounts.authenticate(
                get_session(), form.email.data, form.password.data, client_ip(),
                max_per_account=cfg["LOGIN_MAX_FAILURES_PER_ACCOUNT"],
                max_per_ip=cfg["LOGIN_MAX_FAILURES_PER_IP"], window=cfg["LOGIN_THROTTLE_WINDOW"])
        except accounts.LoginRefused as e:
            form.form_errors.append(str(e))
        else:
            auth_session.log_in(user)
            return see_other(safe_next_path(request.args.get("next"), url_for("home.index")))
    if form.errors:
        return refused("auth/login.html", form=form)
    return render("auth/login.html", form=form)


@bp.post("/logout")
def logout():
    auth_session.log_out()
    flash("You are logged out.", "info")
    return see_other(url_for("auth.login"))


@bp.route("/reset", methods=["GET", "POST"])
def reset_request():
    form = ResetRequestForm()
    if form.validate_on_submit():
        found = accounts.start_password_reset(get_session(), form.email.data,
                                              current_app.config["RESET_TOKEN_LIFETIME"])
        if found:
            user, token = found
            link = url_for("auth.reset_password", token=token, _external=True)
            mail.send_mail(current_app.config, user.email, "Reset your Brave Steps password",
                           f"Open this link within an hour to choose a new password:\n{link}\n\n"
                           "If you did not ask for this, ignore this email.")
        # The same answer whether or not the address has an account.
        flash("If that address has an account, we have emailed a reset link to it.", "info")
        return see_other(url_for("auth.login"))
    return render("auth/reset_request.html", form=form, status=422 if form.errors else 200)


@bp.route("/reset/<token>", methods=["GET", "POST"])
def reset_password(token: str):
    form = ResetPasswordForm()
    try:
        accounts.check_reset_token(get_session(), token)
        if form.validate_on_submit():
            accounts.reset_password(get_session(), token, form.password.data)
            flash("Your password is changed. Please log in.", "success")
            return see_other(url_for("auth.login"))
    except DomainError as e:
        form.form_errors.append(str(e))
    status = 422 if form.errors else 200
    return render("auth/reset_password.html", form=form, status=status)


@bp.route("/account", methods=["GET", "POST"])
@login_required
def account():
    form = ChangePasswordForm()
    if form.validate_on_submit():
        try:
            accounts.change_password(get_session(), current_user, form.current.data, form.new.data,
                                     keep_sid=auth_session.current_sid())
        except DomainError as e:
            form.form_errors.append(str(e))
        else:
            flash("Password changed. You were logged out everywhere else.", "success")
            return see_other(url_for("auth.account"))
    return render("auth/account.html", form=form, status=422 if form.errors else 200)
