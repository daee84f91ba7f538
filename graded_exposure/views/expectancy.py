"""Re-rating a prediction days later: how likely the feared outcome feels now, in one tap."""
from flask import Blueprint, flash, url_for
from flask_login import current_user

from ..access import child_for, practice_of_child
from ..auth_session import require_login
from ..db import get_session
from ..forms.expectancy import RerateForm
from ..models import Child
from ..rules.expectancy import LIKELIHOOD_WORDS
from ..services import expectancy
from .responses import refusal_on, render_form, see_other

bp = Blueprint("expectancy", __name__)
bp.before_request(require_login)


def _page(child: Child, form: RerateForm, refused_id: int | None = None):
    predictions = expectancy.predictions_to_rerate(get_session(), child)
    return render_form("expectancy/rerate.html", form, child=child, predictions=predictions,
                       refused_id=refused_id, words=LIKELIHOOD_WORDS)


@bp.get("/children/<int:child_id>/rerate")
def index(child_id: int):
    return _page(child_for(child_id), RerateForm(formdata=None))


@bp.post("/children/<int:child_id>/practices/<int:practice_id>/rerate")
def rerate(child_id: int, practice_id: int):
    child = child_for(child_id)
    practice = practice_of_child(child, practice_id)
    form = RerateForm()
    if form.validate_on_submit():
        with refusal_on(form):
            expectancy.rerate(get_session(), child, practice, form.chosen(), current_user)
            flash(f"Saved: now it feels “{LIKELIHOOD_WORDS[form.chosen()]}” "
                  f"(before: “{LIKELIHOOD_WORDS[practice.expected_likelihood]}”).", "success")
            return see_other(url_for("expectancy.index", child_id=child.id)
                             + f"#prediction-{practice.id}")
    return _page(child, form, practice.id)
