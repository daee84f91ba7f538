"""The child view's forms: a brave try told with faces, and the grown-ups' password."""

from wtforms import HiddenField, PasswordField, RadioField, SelectChoice
from wtforms.validators import AnyOf, InputRequired, Length

from ..rules.faces import FACES, fear_for_face
from ..services.practices import PracticeDetails
from ..vocabulary import Outcome
from .base import AppForm
from .idempotent import IdempotentForm

# The words a child taps, mapped onto the outcomes a caregiver's practice record uses.
CHILD_OUTCOMES = {Outcome.DID_IT: "I did it!", Outcome.PARTLY: "I did some",
                  Outcome.LEFT_EARLY: "I stopped early"}
CALMED = "yes"  # the calm screen's "I'm ready" carries this to the try form


def _faces(label: str, message: str) -> RadioField:
    # RadioField refuses a missing or unknown face with this one message (no InputRequired,
    # which would add a second, duplicate message).
    return RadioField(label, choices=[SelectChoice(face.key, face.label) for face in FACES],
                      invalid_choice_message=message)


class BraveTryForm(IdempotentForm):
    """Before face, how it went, after face; one practice per idempotency key."""

    before = _faces("How do you feel?", "Tap a face to show how you feel before you try.")
    outcome = RadioField("Did you do it?",
                         choices=[SelectChoice(k, v) for k, v in CHILD_OUTCOMES.items()],
                         invalid_choice_message="Tap one: I did it, I did some or I stopped early.")
    after = _faces("How do you feel now?", "Tap a face to show how you feel now.")
    # "yes" when the child came from the calm screen: the before-face is then rated after it.
    calm_first = HiddenField(default="", validators=[AnyOf(
        ["", CALMED], message="This page got mixed up. Go back and start the try again.")])
    KEY_LOST = "This page got too old. Tap Save again."

    def details(self) -> PracticeDetails:
        """Return the try as practice details: the child's faces, no caregiver numbers yet."""
        return PracticeDetails(fear_before=None, fear_after=None,
                               child_fear_before=fear_for_face(self.before.data),
                               child_fear_after=fear_for_face(self.after.data),
                               outcome=self.outcome.data,
                               calm_first=self.calm_first.data == CALMED)


class ChildRatingForm(AppForm):
    """How a try the grown-ups logged felt, told with a before face and an after face."""

    before = _faces("How did you feel before?", "Tap a face to show how you felt before.")
    after = _faces("How do you feel now?", "Tap a face to show how you feel now.")

    def fears(self) -> tuple[int, int]:
        """Return the two faces on the 0-10 scale."""
        return fear_for_face(self.before.data), fear_for_face(self.after.data)


class GrownUpsForm(AppForm):
    """The caregiver's password, to leave the child view."""

    password = PasswordField("Your password", validators=[
        InputRequired(message="Type your password."),
        Length(max=1000, message="That password is not right.")],
        render_kw={"autocomplete": "current-password"})
