"""Steps views (being built)."""
from flask import Blueprint

bp = Blueprint("steps", __name__)
