"""Data rights: export a child or the whole family, read the audit log, delete an account."""

from flask import Blueprint, Response, flash, url_for
from flask_login import current_user, login_required

from .. import auth_session
from ..access import linked_child_for
from ..auth_session import caregiver_required
from ..db import get_session
from ..forms.data_rights import DeleteAccountForm
from ..models import utcnow
from ..services import account_deletion, audit_log, export, families
from .pagination import requested_page
from .responses import client_ip, refusal_on, render, render_form, see_other

bp = Blueprint("data_rights", __name__)

_TYPES = {"json": ("application/json", "json"), "csv": ("application/zip", "csv.zip")}


def _download(body, name: str, fmt: str) -> Response:
    mimetype, extension = _TYPES[fmt]
    # Ids and a date only: a child's name never goes into a header.
    filename = f"brave-steps-{name}-{utcnow().date().isoformat()}.{extension}"
    return Response(body, mimetype=mimetype, headers={
        "Content-Disposition": f'attachment; filename="{filename}"'})


def _child_export(child_id: int, fmt: str) -> Response:
    child = linked_child_for(child_id)
    body = export.export_child(get_session(), child, current_user, fmt, client_ip())
    return _download(body, f"child-{child.id}", fmt)


def _family_export(fmt: str) -> Response:
    body = export.export_family(get_session(), current_user.family, current_user, fmt,
                                client_ip())
    return _download(body, "family", fmt)


# One view per format, so every URL parameter is an id (the access grid fills ids by name).
@bp.get("/children/<int:child_id>/export.json")
@login_required
def child_export(child_id: int):
    return _child_export(child_id, "json")


@bp.get("/children/<int:child_id>/export.zip")
@login_required
def child_export_csv(child_id: int):
    return _child_export(child_id, "csv")


@bp.get("/family/export.json")
@caregiver_required
def family_export():
    return _family_export("json")


@bp.get("/family/export.zip")
@caregiver_required
def family_export_csv():
    return _family_export("csv")


@bp.get("/family/data")
@caregiver_required
def overview():
    return render("data_rights/overview.html",
                  children=families.family_children(get_session(), current_user.family_id))


@bp.get("/family/audit")
@caregiver_required
def audit():
    listing = audit_log.family_audit(get_session(), current_user.family_id, requested_page())
    return render("data_rights/audit.html", "data_rights/_audit_page.html", listing=listing)


@bp.route("/account/delete", methods=["GET", "POST"])
@login_required
def delete_account():
    form = DeleteAccountForm()
    if form.validate_on_submit():
        with refusal_on(form):
            account_deletion.delete_account(get_session(), current_user._get_current_object(),
                                            form.password.data)
            auth_session.log_out()
            flash("Your account is deleted, with everything listed. Take care.", "info")
            return see_other(url_for("home.index"))
    summary = account_deletion.deletion_summary(get_session(), current_user)
    return render_form("data_rights/delete_account.html", form, summary=summary)
