"""The family page: caregivers, time zone, and invitations to a co-caregiver."""
from flask import Blueprint, current_app, flash, render_template, request, url_for
from flask_login import current_user

from .. import auth_session
from ..auth_session import caregiver_required
from ..channels import mail
from ..db import get_session
from ..errors import DomainError
from ..forms.auth import JoinFamilyForm
from ..forms.families import InviteForm, TimezoneForm
from ..public_address import public_url
from ..services import families
from ..vocabulary import Role
from . import emails
from .auth import start_sign_up
from .filters import lifetime
from .responses import refusal_on, render, render_form, see_other, status_for

bp = Blueprint("family", __name__)


def _family_page(status=200, **forms):
    family = families.with_caregivers(get_session(), current_user.family_id)
    forms.setdefault("tz_form", TimezoneForm(timezone=family.timezone))
    forms.setdefault("invite_form", InviteForm())
    return render("family/show.html", family=family, status=status, **forms)


@bp.get("/family")
@caregiver_required
def show():
    return _family_page()


@bp.post("/family/timezone")
@caregiver_required
def timezone():
    form = TimezoneForm()
    if form.validate_on_submit():
        families.set_timezone(get_session(), current_user.family, form.timezone.data)
        flash(f"Time zone set to {form.timezone.data}.", "success")
        return see_other(url_for("family.show"))
    return _family_page(status=status_for(form), tz_form=form)


@bp.post("/family/invites")
@caregiver_required
def invite():
    form = InviteForm()
    if form.validate_on_submit():
        with refusal_on(form.email):
            token = _invite(form.email.data)
            return render_template("family/invite_created.html", email=form.email.data,
                                   emailed=mail.is_configured(current_app.config),
                                   link=public_url("family.join", token=token))
    return _family_page(status=status_for(form), invite_form=form)


@bp.get("/family/invites")
@caregiver_required
def invite_again():
    # The invite link page came from a POST; reloading it (the address bar shows this URL)
    # asks here. The link is not kept, so it cannot be shown again: say so, and offer a new one.
    flash("An invite link is shown only once, so it cannot be shown again. If you did not "
          "send it yet, create a new one below.", "info")
    return see_other(url_for("family.show"))


def _invite(email: str) -> str:
    """Create an invitation link, emailed when an address is given; return its token."""
    if email:
        emails.reserve("caregiver_invite", email, sender_id=current_user.id)
    return families.create_invite(
        get_session(), current_user, email or "", current_app.config["INVITE_TOKEN_LIFETIME"],
        deliver=(lambda token: emails.send(
            "caregiver_invite", email, inviter=current_user.display_name,
            inviter_email=current_user.email,
            lifetime=lifetime("INVITE_TOKEN_LIFETIME"),
            link=public_url("family.join", token=token))) if email else None)


@bp.route("/join/<token>", methods=["GET", "POST"])
def join(token: str):
    db = get_session()
    try:
        invite = families.live_invite(db, token)
    except DomainError as e:
        return render("family/join.html", error=str(e), form=None, status=404)
    invited = families.invitation_from(db, invite)
    if current_user.is_authenticated:
        if request.method == "POST":
            return _join_as_current_user(token)
        return render("family/join.html", form=None, error=None, invited=invited)
    form = JoinFamilyForm(email=invite.email or None)
    if form.validate_on_submit():
        with refusal_on(form):
            if mail.is_configured(current_app.config):
                # Mail can prove the address: join as one signs up, by an emailed link, with
                # the same answer whether or not the address has an account.
                return start_sign_up(form.email.data, form.password.data,
                                     form.display_name.data, role=Role.CAREGIVER,
                                     timezone="UTC", invite=invite)
            # No mail server: nothing can prove an address, and the family shares the link
            # by hand (Copy, Share); the account is made at once.
            user = families.join_family(db, token, email=form.email.data,
                                        password=form.password.data,
                                        display_name=form.display_name.data)
            auth_session.log_in(user)
            flash("Welcome to the family!", "success")
            return see_other(url_for("home.index"))
    return render_form("family/join.html", form, error=None, invited=invited)


def _join_as_current_user(token: str):
    try:
        families.accept_invite(get_session(), token, current_user)
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash("You joined the family.", "success")
    return see_other(url_for("home.index"))
