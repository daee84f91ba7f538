"""Shared response shapes: page or fragment, 422 for a refused form, 303 after a POST."""
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass

from flask import flash, redirect, render_template, request
from wtforms import Field
from wtforms.form import BaseForm

from ..errors import DomainError
from ..extensions import htmx
from ..forms.idempotent import IdempotentForm
from ..services.form_keys import KeyLost


def wants_fragment() -> bool:
    """True for an htmx request aimed at a part of the page (never a boosted navigation)."""
    return bool(htmx) and not htmx.boosted


def render(page: str, fragment: str | None = None, status: int = 200, **context):
    """Render the fragment for an htmx partial request, else the whole page. A refusal (422)
    keeps the address the form was filled in at: htmx would put the address it posts to in the
    address bar, and reloading that opens something else (a list, or nothing)."""
    template = fragment if fragment and wants_fragment() else page
    html = render_template(template, **context)
    return (html, status, {"HX-Push-Url": "false"}) if status == 422 and htmx else (html, status)


def status_for(form: BaseForm) -> int:
    """Return 422 for a form that carries errors, so nothing looks saved, else 200."""
    return 422 if form.errors else 200


def render_form(page: str, form: BaseForm, fragment: str | None = None, **context):
    """Render a page (or fragment) around its form, with the form's status."""
    return render(page, fragment, status_for(form), form=form, **context)


@dataclass
class Refusal:
    """The DomainError a `refusal_on` block raised, or None while nothing was refused."""

    error: DomainError | None = None


@contextmanager
def refusal_on(target: BaseForm | Field) -> Iterator[Refusal]:
    """Run a service call; a DomainError it raises becomes an error on the form or field."""
    refusal = Refusal()
    try:
        yield refusal
    except DomainError as e:
        refusal.error = e
        if isinstance(target, BaseForm):
            target.form_errors.append(str(e))
        else:
            target.errors = [*target.errors, str(e)]
        if isinstance(e, KeyLost) and isinstance(target, IdempotentForm):
            target.renew_key()  # shown again, the form can be saved with a key of its own


def see_other(url: str):
    """Redirect after a successful POST (POST/redirect/GET)."""
    return redirect(url, code=303)


def unless_confirmed(what: str, back: str):
    """Return a redirect to `back` saying what the tick box confirms, unless it was ticked."""
    if request.form.get("confirm") == "yes":
        return None
    flash(f"Tick the box to confirm that {what}.", "error")
    return see_other(back)


def client_ip() -> str:
    """Return the client's address (set ProxyFix in deployment to trust X-Forwarded-For)."""
    return request.remote_addr or ""
