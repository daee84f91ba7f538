"""The day check-in form: distress ratings, and per kind of avoidance how it was handled."""

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import InputRequired, Length, NumberRange
from wtforms.widgets import CheckboxInput, ListWidget

from ..services.checkins import AvoidanceInput, CheckInInput
from .idempotent import IdempotentForm
from .text import single_line

AVOIDANCE_LABELS = {
    "school": "School or nursery", "outing": "An outing or a shop",
    "activity": "An activity or club",
    "social": "Seeing people (a party, a friend, family)",
    "separation": "Being apart from a caregiver", "other": "Something else",
}
ACCOMMODATION_LABELS = {
    "kept_home": "Kept them home", "excused": "Excused them from it",
    "spoke_for": "Spoke for them", "reassurance": "Answered the same worry again and again",
    "changed_routine": "Changed a routine or plan", "other": "Something else",
}


def _rating(label: str, missing: str) -> IntegerField:
    return IntegerField(label, validators=[
        InputRequired(message=missing),
        NumberRange(min=0, max=10, message="Choose a number from 0 to 10.")])


class CheckInForm(IdempotentForm):
    day = DateField("Day", validators=[InputRequired(message="Choose the day.")])
    child_distress = _rating("How calm or upset was your child today?",
                             "Tap how calm or upset your child was.")
    caregiver_distress = _rating("And how stressed were you?", "Tap how stressed you were.")

    def kinds(self):
        """Yield (kind, label, avoided field, note field, accommodations field) per kind."""
        for kind, label in AVOIDANCE_LABELS.items():
            yield (kind, label, self[f"avoided_{kind}"], self[f"note_{kind}"],
                   self[f"acc_{kind}"])

    def to_input(self) -> CheckInInput:
        """Return what was entered; choosing a way of accommodating implies the avoidance."""
        avoidances = [AvoidanceInput(kind, note.data or "", list(acc.data or []))
                      for kind, _label, avoided, note, acc in self.kinds()
                      if avoided.data or acc.data]
        return CheckInInput(day=self.day.data, child_distress=self.child_distress.data,
                            caregiver_distress=self.caregiver_distress.data,
                            avoidances=avoidances)

    @classmethod
    def from_checkin(cls, checkin, **kwargs):
        """Prefill the form from a stored check-in, for editing a day."""
        data = {"day": checkin.day, "child_distress": checkin.child_distress,
                "caregiver_distress": checkin.caregiver_distress}
        for avoided in checkin.avoidances:
            data[f"avoided_{avoided.kind}"] = True
            data[f"note_{avoided.kind}"] = avoided.description
            data[f"acc_{avoided.kind}"] = avoided.accommodations
        return cls(data=data, **kwargs)


for _kind, _label in AVOIDANCE_LABELS.items():
    setattr(CheckInForm, f"avoided_{_kind}", BooleanField(_label))
    setattr(CheckInForm, f"note_{_kind}", StringField(
        "What was it? (optional)", filters=[single_line], validators=[Length(max=200)]))
    setattr(CheckInForm, f"acc_{_kind}", SelectMultipleField(
        "How did you handle it?",
        choices=[SelectChoice(k, v) for k, v in ACCOMMODATION_LABELS.items()],
        widget=ListWidget(prefix_label=False), option_widget=CheckboxInput()))
