"""The day check-in form: distress ratings, and per kind of avoidance how it was handled."""

from wtforms import (
    BooleanField,
    DateField,
    IntegerField,
    SelectChoice,
    SelectMultipleField,
    StringField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..rules.accommodation_plan import WHY_PARENT_DISTRESS
from ..services.checkins import AvoidanceInput, CheckInInput
from ..services.plan_progress import PlanDayInput
from ..vocabulary import PlanKept
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


HOPELESS_WORDS_LABEL = ("My child said things like \u201cnothing will help\u201d, or talked about "
                        "not wanting to be here")
PLAN_KEPT_LABELS = {PlanKept.YES: "Yes", PlanKept.PARTLY: "Partly", PlanKept.NO: "Not today"}


def _optional_rating(label: str) -> IntegerField:
    return IntegerField(label, validators=[
        Optional(), NumberRange(min=0, max=10, message="Choose a number from 0 to 10.")])


class CheckInForm(IdempotentForm):
    day = DateField("Day", validators=[InputRequired(message="Choose the day.")])
    child_distress = _rating("How calm or upset was your child today?",
                             "Tap how calm or upset your child was.")
    caregiver_distress = _rating("And how stressed were you?", "Tap how stressed you were.")
    plan_kept_labels = PLAN_KEPT_LABELS
    parent_hard_why = WHY_PARENT_DISTRESS
    # The running plan's questions (SPACE): optional, so a day may be skipped and a check-in
    # queued on a phone before the plan existed still saves.
    plan_kept = StringField("Did you stick to the plan today?", filters=[single_line], validators=[
        Optional(), AnyOf(list(PLAN_KEPT_LABELS), message="Choose one of the answers.")])
    plan_child_upset = _optional_rating("How upset was your child about it?")
    plan_parent_hard = _optional_rating("How hard was it for you?")
    hopeless_words = BooleanField(HOPELESS_WORDS_LABEL)
    plan_helped = StringField("What helped? (optional)", filters=[single_line],
                              validators=[Length(max=200)])

    def validate(self, extra_validators=None) -> bool:
        """Validate; plan answers without "did you stick to it" are refused, not dropped."""
        valid = super().validate(extra_validators)
        extra = (self.plan_child_upset.data is not None or self.plan_parent_hard.data is not None
                 or self.plan_helped.data)
        if valid and extra and not self.plan_kept.data:
            self.plan_kept.errors = ["Say whether you stuck to the plan, or leave the plan "
                                     "questions empty."]
            return False
        return valid

    def plan_day(self) -> PlanDayInput | None:
        """Return the plan answers, or None when the plan questions were skipped."""
        if not self.plan_kept.data:
            return None
        return PlanDayInput(self.plan_kept.data, self.plan_child_upset.data,
                            self.plan_parent_hard.data, self.plan_helped.data or "")

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
                            avoidances=avoidances, plan_day=self.plan_day(),
                            hopeless_words=bool(self.hopeless_words.data))

    @classmethod
    def from_checkin(cls, checkin, plan_day=None, **kwargs):
        """Prefill the form from a stored check-in (and its plan day), for editing a day."""
        data = {"day": checkin.day, "child_distress": checkin.child_distress,
                "caregiver_distress": checkin.caregiver_distress,
                "hopeless_words": checkin.hopeless_words}
        if plan_day is not None:
            data.update(plan_kept=plan_day.kept, plan_child_upset=plan_day.child_upset,
                        plan_parent_hard=plan_day.parent_hard, plan_helped=plan_day.helped)
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
