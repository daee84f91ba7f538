"""Forms after a finished ladder: accept the boosters, the relapse check, reopen the ladder."""
from wtforms import IntegerField, RadioField, SelectChoice, StringField
from wtforms.validators import InputRequired, NumberRange, ValidationError

from ..rules import boosters as rules
from .base import AppForm
from .idempotent import IdempotentForm
from .reminders import CheckboxesField, _time_of_day
from .text import single_line

ANSWER_CHOICES = [SelectChoice(value, label) for value, label in rules.ANSWERS]


class BoosterForm(AppForm):
    """One tap accepts the boosters; the time comes filled in."""

    local_time = StringField("At what time?", default=rules.DEFAULT_TIME, filters=[single_line],
                             validators=[_time_of_day])


def _answer(label: str) -> RadioField:
    return RadioField(label, choices=ANSWER_CHOICES, coerce=int, validators=[
        InputRequired(message="Choose an answer: No, A little, Yes or A lot.")])


class RelapseCheckForm(IdempotentForm):
    """Three questions from No to A lot, and the steps that feel hard again (optional)."""

    avoiding = _answer("Avoiding it again?")
    fear = _answer("Fear back?")
    accommodating = _answer("Stepping in again?")
    hard_steps = CheckboxesField("Which steps would feel hard again now? (optional)",
                                 coerce=int, validate_choice=False)

    def __init__(self, *args, steps=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.hard_steps.choices = [SelectChoice(s.id, f"{s.position}. {s.title}")
                                   for s in steps]

    def validate_hard_steps(self, field) -> None:
        if not set(field.data or []) <= {choice.value for choice in field.choices}:
            raise ValidationError("Choose steps from this ladder.")

    def answers(self) -> rules.RelapseAnswers:
        return rules.RelapseAnswers(self.avoiding.data, self.fear.data, self.accommodating.data)


class ReopenForm(AppForm):
    """Reopen the ladder as the relapse check suggested."""

    check = IntegerField(validators=[InputRequired(message="Answer the check first."),
                                     NumberRange(min=1, max=2**31 - 1)])
