"""Practices views (being built)."""
from flask import Blueprint

bp = Blueprint("practices", __name__)
