"""Ladders views (being built)."""
from flask import Blueprint

bp = Blueprint("ladders", __name__)


@bp.route("/children/<int:child_id>/ladders/new", methods=["GET", "POST"])
def create(child_id: int):
    return "todo"
