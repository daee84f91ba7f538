"""Error pages: plain words, never a stack trace."""
from flask import Flask, render_template
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import SecurityError

from .extensions import htmx

_MESSAGES = {
    400: "That request could not be understood.",
    403: "You are not allowed to do that.",
    404: "We could not find that page.",
    405: "That action is not allowed here.",
    413: "That was too much to send at once.",
    429: "Too many attempts. Please wait a little and try again.",
    500: "Something went wrong on our side. Nothing you did caused it; please try again.",
}


def _render(code: int, message: str | None = None):
    template = "errors/_error.html" if htmx else "errors/error.html"
    return render_template(template, code=code, message=message or _MESSAGES.get(code, "")), code


def init_app(app: Flask) -> None:
    """Register the error handlers."""
    for code in _MESSAGES:
        app.register_error_handler(code, lambda e, code=code: _render(code))

    @app.errorhandler(SecurityError)
    def _unknown_host(_e):
        # Raised before routing (Host not in TRUSTED_HOSTS): no URLs can be built, so no page.
        return "This address is not served here.", 400, {"Content-Type": "text/plain"}

    @app.errorhandler(CSRFError)
    def _csrf_error(_e):
        return _render(400, "This form has expired or was not sent from Brave Steps. "
                            "Reload the page and try again.")
