"""The base of every form: its CSRF field carries this response's masked token."""
from flask_wtf import FlaskForm
from wtforms import SelectChoice

from ..csrf_mask import MaskedFormCSRF
from . import field_copies
from .words import OUR_WORDS


class AppForm(FlaskForm):
    """A FlaskForm whose hidden csrf_token is masked per response (csrf_mask.py, BREACH), and
    whose fields say WTForms' own messages in the app's words (words.py)."""

    class Meta:
        csrf_class = MaskedFormCSRF

        def get_translations(self, form):
            return OUR_WORDS

        def bind_field(self, form, unbound_field, options):
            return field_copies.bind_field(form, unbound_field, options)


# For a form only shown, never validated, whose template sends this response's token through
# the csrf() macro: it needs no CSRF field of its own (building one costs a masked token).
SHOWN_ONLY = {"csrf": False}

# The choice of nothing in an optional radio group: a radio once ticked cannot be unticked, so
# a mis-tap, or an answer recorded wrongly, is taken back by ticking this.
NOT_NOTED = SelectChoice("", "Not noted")
