"""Shared response shapes: page or fragment, 422 for a refused form, 303 after a POST."""
from flask import redirect, render_template, request

from ..extensions import htmx


def wants_fragment() -> bool:
    """True for an htmx request aimed at a part of the page (never a boosted navigation)."""
    return bool(htmx) and not htmx.boosted


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render the fragment for an htmx partial request, else the whole page."""
    template = fragment if fragment and wants_fragment() else page
    return render_template(template, **context), status


def refused(page: str, fragment: str | None = None, **context):
    """Re-render a form whose input was refused, with 422 so nothing looks saved."""
    return render(page, fragment, status=422, **context)


def see_other(url: str):
    """Redirect after a successful POST (POST/redirect/GET)."""
    return redirect(url, code=303)


def client_ip() -> str:
    """Return the client's address (set ProxyFix in deployment to trust X-Forwarded-For)."""
    return request.remote_addr or ""
