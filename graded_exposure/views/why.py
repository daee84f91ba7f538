"""The "why" page: every clinical default in the family's words, with its sources."""
from flask import Blueprint, render_template

from ..rules.clinical_sources import family_page

bp = Blueprint("why", __name__)


@bp.get("/why")
def index():
    """Public: it says how the app counts and decides, nothing about anyone."""
    return render_template("why/index.html", entries=family_page())
