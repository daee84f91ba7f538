"""A live session's forms: the child's face (family side) and a brave try now (therapist)."""
from wtforms import RadioField, SelectChoice, SelectField
from wtforms.validators import InputRequired

from ..rules.faces import FACES
from .base import AppForm
from .idempotent import IdempotentForm

FEARS = [SelectChoice(n, str(n)) for n in range(11)]


def _number(value) -> int:
    """Coerce to int; text that is not a number becomes -1, which no choice has, so the field's
    own message says what to choose (not WTForms' "could not coerce")."""
    try:
        return int(value)
    except (TypeError, ValueError):
        return -1


class FaceForm(AppForm):
    """One face, tapped by the child: each face is its own submit button named `face`."""

    face = RadioField("How do you feel right now?",
                      choices=[SelectChoice(face.key, face.label) for face in FACES],
                      invalid_choice_message="Tap one of the faces.")


class BraveTryNowForm(IdempotentForm):
    """A practice done now, in the session: which current step, fear before and after."""

    step = SelectField("Step", coerce=_number,
                       invalid_choice_message="Choose one of the steps shown.",
                       validators=[InputRequired("Choose one of the steps shown.")])
    fear_before = SelectField("Fear before", coerce=_number, choices=FEARS,
                              invalid_choice_message="Choose the fear before, from 0 to 10.",
                              validators=[InputRequired("Choose the fear before, from 0 to 10.")])
    fear_after = SelectField("Fear after", coerce=_number, choices=FEARS,
                             invalid_choice_message="Choose the fear after, from 0 to 10.",
                             validators=[InputRequired("Choose the fear after, from 0 to 10.")])
    KEY_LOST = "This form got too old. Press Brave try now again."

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.step.choices = [SelectChoice(step.id, step.title) for step in steps]
        if not self.step.data and steps:
            self.step.data = steps[0].id


class LiveActionForm(AppForm):
    """Start or end a live session: a button, with its CSRF token."""
