"""The practice form: fear thermometers, outcome chips, optional details, an idempotency key."""

from wtforms import (
    DateTimeLocalField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    TextAreaField,
)
from wtforms.validators import AnyOf, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from ..models import Practice
from ..rules import expectancy
from ..rules import practice_rules as rules
from ..services.practices import PracticeDetails, local_time
from .base import NOT_NOTED, AppForm
from .idempotent import IdempotentForm
from .practice_context import CONTEXT_NAMES, SafetyAndContextFields
from .text import multi_line, single_line_each

_FEAR_RANGE = NumberRange(min=rules.FEAR_MIN, max=rules.FEAR_MAX,
                          message=f"Fear is a number from {rules.FEAR_MIN} to {rules.FEAR_MAX}.")


def _fear(label: str, required: str | None):
    first = InputRequired(message=required) if required else Optional()
    return IntegerField(label, validators=[first, _FEAR_RANGE])


def _choices(mapping: dict[str, str]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in mapping.items()]


def _five_steps(label: str, words: dict[int, str], message: str) -> RadioField:
    """A five-step scale (rules/expectancy.py) posted as "0".."100", or nothing."""
    return RadioField(label, choices=[*_choices({str(k): v for k, v in words.items()}), NOT_NOTED],
                      default="", validate_choice=False,
                      validators=[AnyOf(["", *map(str, words)], message=message)])


def _step_value(value: str | None) -> int | None:
    return int(value) if value else None


class PracticeForm(SafetyAndContextFields, AppForm):
    # Fear fields are rendered as radio thermometers by the template; IntegerField gives
    # clear messages for missing, non-numeric and out-of-range values.
    step = IntegerField("Step", validators=[InputRequired(message="Choose the step you practised."),
                                            NumberRange(min=1, max=2**31 - 1,
                                                        message="Choose a step from the list.")])
    fear_before = _fear("How scared before?", "Tap how scared your child was before.")
    fear_peak = _fear("Most scared during (optional)", None)
    fear_after = _fear("How scared after?", "Tap how scared your child was after.")
    outcome = RadioField("How did it go?", choices=_choices(rules.OUTCOMES),
                         default=rules.DEFAULT_OUTCOME,
                         invalid_choice_message="Choose how it went.")
    prediction = TextAreaField("What did your child predict would happen?",
                               filters=[multi_line], validators=[Length(max=rules.MAX_PREDICTION)])
    prediction_came_true = RadioField(
        "Did it happen?", choices=[*_choices(rules.PREDICTION_RESULTS), NOT_NOTED], default="",
        validate_choice=False,
        validators=[AnyOf(["", *rules.PREDICTION_RESULTS], message="Choose yes, partly or no.")])
    # Expectancy (issue 16): how likely the feared thing felt, and how bad it was if it happened.
    expected_likelihood = _five_steps("How likely did it feel that it would happen?",
                                      expectancy.LIKELIHOOD_WORDS,
                                      "Choose how likely it felt from the five steps.")
    outcome_badness = _five_steps("If it happened: how bad was it?", expectancy.BADNESS_WORDS,
                                  "Choose how bad it was from the five steps.")
    calming_used = SelectMultipleField("Calming strategies used", choices=[],
                                       validate_choice=False, filters=[single_line_each])
    safety_behaviours = TextAreaField("Safety behaviours leaned on", filters=[multi_line],
                                      validators=[Length(max=rules.MAX_SAFETY_BEHAVIOURS)])
    small_wins = SelectMultipleField("Small wins", choices=_choices(rules.SMALL_WINS),
                                     widget=ListWidget(prefix_label=False),
                                     option_widget=CheckboxInput())
    note = TextAreaField("Note", filters=[multi_line], validators=[Length(max=rules.MAX_NOTE)])
    practiced_at = DateTimeLocalField("When", format=["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"],
                                      validators=[Optional()])

    def details(self) -> PracticeDetails:
        """Return what was entered, for the practices service."""
        return PracticeDetails(
            fear_before=self.fear_before.data, fear_peak=self.fear_peak.data,
            fear_after=self.fear_after.data, outcome=self.outcome.data,
            prediction=self.prediction.data or "",
            prediction_came_true=self.prediction_came_true.data or "",
            calming_used=list(self.calming_used.data or []),
            safety_behaviours=self.safety_behaviours.data or "",
            small_wins=list(self.small_wins.data or []), note=self.note.data or "",
            practiced_at=self.practiced_at.data,
            expected_likelihood=_step_value(self.expected_likelihood.data),
            outcome_badness=_step_value(self.outcome_badness.data), **self.safety_and_context())


class LogPracticeForm(IdempotentForm, PracticeForm):
    """The practice form as first filled in: stored once per render."""


def fear_before_from(args) -> int | None:
    """The fear before tapped on the home screen's quick thermometer (a query argument), when
    it is a rating; anything else starts the form without one."""
    value = args.get("fear_before", type=int)
    return value if value is not None and rules.FEAR_MIN <= value <= rules.FEAR_MAX else None


def edit_form(practice: Practice, tz_name: str) -> PracticeForm:
    """Return the edit form for a practice (posted data wins), its time in the family's zone."""
    values = {name: getattr(practice, name) for name in (
        "fear_before", "fear_peak", "fear_after", "outcome", "prediction",
        "prediction_came_true", "calming_used", "safety_behaviours", "small_wins", "note",
        *CONTEXT_NAMES)}
    values.update(expected_likelihood=_step_text(practice.expected_likelihood),
                  outcome_badness=_step_text(practice.outcome_badness))
    values.update(step=practice.step_id, practiced_at=local_time(practice, tz_name),
                  calming_used=[rules.calming_name(name) for name in practice.calming_used])
    return PracticeForm(data=values)


def _step_text(value: int | None) -> str:
    return "" if value is None else str(value)


class CaregiverRatingForm(AppForm):
    """The caregiver's numbers for a try the child rated with faces in the child view."""

    fear_before = _fear("How scared before?", "Tap how scared your child was before.")
    fear_peak = _fear("Most scared during (optional)", None)
    fear_after = _fear("How scared after?", "Tap how scared your child was after.")
