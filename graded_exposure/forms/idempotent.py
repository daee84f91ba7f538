"""Forms whose submission must be stored once, however often it is sent."""
from uuid import uuid4

from wtforms import HiddenField
from wtforms.validators import InputRequired, Regexp

from .base import AppForm


class IdempotentForm(AppForm):
    """Carries a fresh idempotency key per render; a retry of the same render stores nothing new."""

    KEY_LOST = "This form has lost its key. Reload the page and try again."

    # InputRequired: a submission without a key must not quietly get a fresh one.
    # hx-history="false": a page carrying a key stays out of htmx's copies of visited pages,
    # so Back asks the server for a fresh form; a restored copy's used key saved nothing.
    idempotency_key = HiddenField(default=lambda: uuid4().hex,
                                  validators=[InputRequired(), Regexp(r"^[0-9a-f]{32}$")],
                                  render_kw={"hx-history": "false"})

    def validate(self, extra_validators=None) -> bool:
        """Validate; a form whose key was lost says so at the top and gets a fresh key."""
        valid = super().validate(extra_validators)
        if self.idempotency_key.errors:
            # A hidden field's error would be invisible: say it at the top of the form.
            self.form_errors.append(self.KEY_LOST)
            self.renew_key()
        return valid

    def renew_key(self) -> None:
        """Give the re-rendered form a fresh key, so the next try can be stored."""
        self.idempotency_key.data = uuid4().hex
        self.idempotency_key.raw_data = None
