"""The child view's forms: a brave try told with faces, and the grown-ups' password."""
from uuid import uuid4

from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, RadioField, SelectChoice
from wtforms.validators import InputRequired, Length, Regexp

from ..rules.faces import FACES, fear_for_face
from ..services.practices import PracticeDetails

# The words a child taps, mapped onto the outcomes a caregiver's practice record uses.
CHILD_OUTCOMES = {"did_it": "I did it!", "partly": "I did some", "left_early": "I stopped early"}
OUTCOME_EMOJI = {"did_it": "🌟", "partly": "👍", "left_early": "✋"}
_KEY_LOST = "This page got too old. Tap Save again."


def _faces(label: str, message: str) -> RadioField:
    # RadioField refuses a missing or unknown face with this one message (no InputRequired,
    # which would add a second, duplicate message).
    return RadioField(label, choices=[SelectChoice(face.key, face.label) for face in FACES],
                      invalid_choice_message=message)


class BraveTryForm(FlaskForm):
    """Before face, how it went, after face; one practice per idempotency key."""

    before = _faces("How do you feel?", "Tap a face to show how you feel before you try.")
    outcome = RadioField("Did you do it?",
                         choices=[SelectChoice(k, v) for k, v in CHILD_OUTCOMES.items()],
                         invalid_choice_message="Tap one: I did it, I did some or I stopped early.")
    after = _faces("How do you feel now?", "Tap a face to show how you feel now.")
    idempotency_key = HiddenField(default=lambda: uuid4().hex, validators=[
        InputRequired(message=_KEY_LOST), Regexp(r"^[0-9a-f]{32}$", message=_KEY_LOST)])

    def validate(self, extra_validators=None) -> bool:
        """Validate, and give a form whose key was lost a fresh one for the next try."""
        valid = super().validate(extra_validators)
        if self.idempotency_key.errors:
            # A hidden field's error would be invisible: say it at the top of the form.
            self.form_errors.append(self.idempotency_key.errors[0])
            self.renew_key()
        return valid

    def renew_key(self) -> None:
        """Give the re-rendered form a fresh key, so the next try can be stored."""
        self.idempotency_key.data = uuid4().hex
        self.idempotency_key.raw_data = None

    def details(self) -> PracticeDetails:
        """Return the try as practice details; the peak defaults to the higher face."""
        return PracticeDetails(fear_before=fear_for_face(self.before.data),
                               fear_after=fear_for_face(self.after.data),
                               outcome=self.outcome.data)


class GrownUpsForm(FlaskForm):
    """The caregiver's password, to leave the child view."""

    password = PasswordField("Your password", validators=[
        InputRequired(message="Type your password."),
        Length(max=1000, message="That password is not right.")],
        render_kw={"autocomplete": "current-password"})
