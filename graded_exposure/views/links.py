"""Linking a therapist to a child with the family's consent, from either side, and ending it.

Family side: /family/sharing (enter a therapist's code, or invite a therapist by email, and see
every consent record). Therapist side: /links (create a code, see linked children) and the
invitation link /links/invite/<token>. Both sides end a link at /links/<link_id>/end.
"""
from flask import Blueprint, current_app, flash, request, url_for
from flask_login import current_user, login_required

from .. import auth_session
from ..access import child_for, is_links_therapist, link_for
from ..auth_session import caregiver_required, therapist_required
from ..channels import mail
from ..db import get_session
from ..errors import DomainError
from ..forms.auth import JoinFamilyForm
from ..forms.links import EndLinkForm, LinkCodeForm, TherapistInviteForm
from ..public_address import public_url
from ..services import families, therapist_links
from ..vocabulary import LinkStatus
from . import emails
from .filters import lifetime
from .responses import client_ip, refusal_on, render, render_form, see_other, status_for

bp = Blueprint("links", __name__)


def _children():
    return families.family_children(get_session(), current_user.family_id)


def _sharing_page(status=200, review=None, **forms):
    children = _children()
    chosen = request.args.get("child", "")
    forms.setdefault("code_form", LinkCodeForm(children, child_id=chosen))
    forms.setdefault("invite_form", TherapistInviteForm(children, child_id=chosen))
    name = children[0].display_name if len(children) == 1 else "the chosen child"
    return render("links/sharing.html", "links/_code.html", status=status, review=review,
                  children=children, scope=therapist_links.scope_lines(name),
                  sharing=therapist_links.family_sharing(get_session(), current_user.family_id),
                  **forms)


@bp.get("/family/sharing")
@caregiver_required
def sharing():
    return _sharing_page()


@bp.post("/family/sharing/code")
@caregiver_required
def check_code():
    form = LinkCodeForm(_children())
    if form.validate_on_submit():
        with refusal_on(form.code):
            review = therapist_links.review_code(get_session(), current_user,
                                                 child_for(form.chosen_child_id()),
                                                 form.code.data, client_ip())
            return _sharing_page(code_form=form, review=review)
    return _sharing_page(status=status_for(form), code_form=form)


@bp.post("/family/sharing/accept")
@caregiver_required
def accept_code():
    form = LinkCodeForm(_children())
    if form.validate_on_submit():
        child = child_for(form.chosen_child_id())
        with refusal_on(form.code):
            therapist_links.accept_code(get_session(), current_user, child, form.code.data,
                                        client_ip())
            flash(f"Done: the therapist can now see {child.display_name}'s ladders, practices "
                  "and check-ins. You can end this here at any time.", "success")
            return see_other(url_for("links.sharing"))
    return _sharing_page(status=status_for(form), code_form=form)


@bp.post("/family/sharing/invite")
@caregiver_required
def invite():
    form = TherapistInviteForm(_children())
    if form.validate_on_submit():
        child = child_for(form.chosen_child_id())
        with refusal_on(form.email):
            token = _invite(child, form.email.data)
            return render("links/invite_sent.html", email=form.email.data, child=child,
                          link=public_url("links.accept_invite", token=token),
                          emailed=mail.is_configured(current_app.config))
    return _sharing_page(status=status_for(form), invite_form=form)


def _invite(child, email: str) -> str:
    """Email a therapist an invitation to see the child; return its token."""
    emails.reserve("therapist_invite", email, sender_id=current_user.id)
    return therapist_links.invite_by_email(
        get_session(), current_user, child, email, current_app.config["INVITE_TOKEN_LIFETIME"],
        client_ip(), deliver=lambda token: emails.send(
            "therapist_invite", email, inviter=current_user.display_name,
            inviter_email=current_user.email,
            child=child.display_name, lifetime=lifetime("INVITE_TOKEN_LIFETIME"),
            link=public_url("links.accept_invite", token=token)))


@bp.get("/links")
@therapist_required
def index():
    return render("links/index.html",
                  sharing=therapist_links.therapist_sharing(get_session(), current_user))


@bp.post("/links/codes")
@therapist_required
def create_code():
    code = therapist_links.create_code(get_session(), current_user, client_ip())
    return render("links/code_created.html", code=code)


@bp.route("/links/invite/<token>", methods=["GET", "POST"])
def accept_invite(token: str):
    db = get_session()
    try:
        row = therapist_links.describe_link(db, therapist_links.live_invite(db, token))
    except DomainError as e:
        return render("links/invite.html", error=str(e), row=None, form=None, status=404)
    if current_user.is_authenticated:
        return _accept_as_current_user(token, row)
    form = JoinFamilyForm(email=row.link.invited_email or None)
    if form.validate_on_submit():
        with refusal_on(form):
            user = therapist_links.register_and_accept(
                db, token, email=form.email.data, password=form.password.data,
                display_name=form.display_name.data, ip=client_ip())
            auth_session.log_in(user)
            flash(f"Welcome! {row.child.display_name} is now on your caseload.", "success")
            return see_other(url_for("home.index"))
    return render_form("links/invite.html", form, row=row, error=None)


def _accept_as_current_user(token: str, row):
    if request.method == "GET":
        return render("links/invite.html", row=row, form=None, error=None)
    try:
        therapist_links.accept_invite(get_session(), current_user, token, client_ip())
    except DomainError as e:
        return render("links/invite.html", row=row, form=None, error=None, refusal=str(e),
                      status=422)
    flash(f"{row.child.display_name} is now on your caseload.", "success")
    return see_other(url_for("home.index"))


@bp.route("/links/<int:link_id>/end", methods=["GET", "POST"])
@login_required
def end(link_id: int):
    link = link_for(link_id)
    row = therapist_links.describe_link(get_session(), link)
    back = url_for("links.index" if is_links_therapist(link) else "links.sharing")
    form = EndLinkForm()
    if request.method == "GET" or link.status == LinkStatus.ENDED:
        return render("links/end.html", row=row, form=form, back=back)
    if not (form.validate_on_submit() and form.confirm.data == "yes"):
        return render("links/end.html", row=row, form=form, back=back, status=422,
                      refusal="Press the button on this page to confirm.")
    therapist_links.end_link(get_session(), link, current_user, client_ip())
    flash("Ended. Access stopped straight away." if row.therapist else "Cancelled.", "success")
    return see_other(back)
