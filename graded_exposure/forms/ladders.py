"""Forms for ladders, their steps, sub-steps and calming plan."""
from wtforms import (
    BooleanField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange

from ..rules import ladder_rules as rules
from ..rules.ladder_templates import TEMPLATES
from ..rules.mastery import RULE_LIMITS, limit_message
from ..rules.safety_fading import CUSTOM_SAFETY_MAX, SUGGESTED_SAFETY_BEHAVIOURS
from .base import AppForm
from .text import multi_line, single_line

AREA_CHOICES = [SelectChoice(key, label) for key, label in rules.AREAS.items()]
FEAR_CHOICES = [SelectChoice(str(n), str(n)) for n in range(rules.FEAR_MIN, rules.FEAR_MAX + 1)]


class LadderForm(AppForm):
    goal = StringField("Goal", filters=[single_line], validators=[
        DataRequired("Write the goal the ladder leads to."), Length(max=rules.GOAL_MAX)])
    area = RadioField("Area", choices=AREA_CHOICES,
                      validators=[InputRequired("Choose an area.")])


class TemplateChoiceForm(AppForm):
    template = RadioField("Ladder", validators=[InputRequired("Choose one of the ladders.")],
                          choices=[SelectChoice(t.key, t.name) for t in TEMPLATES])


class StepForm(AppForm):
    title = StringField("Step", filters=[single_line], validators=[
        DataRequired("Give the step a short title."), Length(max=rules.TITLE_MAX)])
    predicted_fear = RadioField("How scary will it feel? (0 = not at all, 10 = the most)",
                                coerce=int, choices=FEAR_CHOICES,
                                validators=[InputRequired("Choose a number from 0 to 10.")])
    detail = TextAreaField("Details (optional)", filters=[multi_line],
                           validators=[Length(max=rules.DETAIL_MAX)])
    social_story = TextAreaField("Social story (optional)", filters=[multi_line],
                                 validators=[Length(max=rules.STORY_MAX)])
    sensory_story = TextAreaField("Sensory story (optional)", filters=[multi_line],
                                  validators=[Length(max=rules.SENSORY_STORY_MAX)])


class MoveForm(AppForm):
    direction = HiddenField(validators=[InputRequired("Move a step up or down.")])


class SubStepForm(AppForm):
    text = StringField("Add a small step", filters=[single_line], validators=[
        DataRequired("Write the small step."), Length(max=rules.SUBSTEP_MAX)])


def offer(field: SelectMultipleField, presets: tuple[str, ...], current) -> list[str]:
    """Offer the presets and the family's own items of a chip list; return their own."""
    own = [s for s in current if s not in presets]
    field.choices = [SelectChoice(s, s) for s in (*presets, *own)]
    return own


class CalmingForm(AppForm):
    strategies = SelectMultipleField(
        "Calming strategies", choices=[], option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        invalid_choice_message="Choose strategies from the list.")
    custom = StringField("Add your own (optional)", filters=[single_line],
                         validators=[Length(max=rules.CUSTOM_CALMING_MAX)])

    def __init__(self, *args, plan: list[str] | tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_strategies = offer(self.strategies, rules.CALMING_STRATEGIES, plan)


class SafetyListForm(AppForm):
    """The ladder's safety behaviours: suggestions and the family's own, ticked."""

    behaviours = SelectMultipleField(
        "What does your child lean on?", choices=[], option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        invalid_choice_message="Choose safety behaviours from the list.")
    custom = StringField("Add your own (optional)", filters=[single_line],
                         validators=[Length(max=CUSTOM_SAFETY_MAX)])

    def __init__(self, *args, current: list[str] | tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.own = offer(self.behaviours, SUGGESTED_SAFETY_BEHAVIOURS, current)


class WholeNumberField(IntegerField):
    """A number box whose one error is its range message, even for text such as "x"."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None  # the range check says what is wanted


def _rule_number(name: str, label: str, **kwargs) -> WholeNumberField:
    low, high = RULE_LIMITS[name]
    return WholeNumberField(label, validators=[NumberRange(low, high, limit_message(name))],
                            **kwargs)


class MasteryRuleForm(AppForm):
    """The numbers of a ladder's mastery rule; field names match the Ladder columns."""

    mastery_min_practices = _rule_number("min_practices", "Practices needed")
    mastery_min_days = _rule_number("min_days", "Different days needed")
    mastery_max_peak = _rule_number(
        "max_peak", "A practice counts when peak fear is at or below")
    mastery_count_halving = BooleanField(
        "Also count a practice when fear fell by half from its peak by the end")
    # A form sent without it (an older page) keeps the usual one place.
    mastery_min_contexts = _rule_number("min_contexts", "Different places needed", default=1)

    def rule_fields(self) -> dict:
        """Return the rule as keyword arguments for services.progress.set_mastery_rule."""
        return {"min_practices": self.mastery_min_practices.data,
                "min_days": self.mastery_min_days.data,
                "max_peak": self.mastery_max_peak.data,
                "count_halving": self.mastery_count_halving.data,
                "min_contexts": self.mastery_min_contexts.data}


class ConfirmMasteredForm(AppForm):
    """"Yes, mastered": only the CSRF token and where to go back to."""

    back = HiddenField()


class FadingForm(AppForm):
    """Fade one safety behaviour from a mastered step (add the variant, or not now)."""

    behaviour = HiddenField(validators=[InputRequired("Choose one of the suggestions.")])


class MoveToForm(AppForm):
    """Move a step to a place on its ladder: 1 is the bottom rung."""

    position = WholeNumberField(validators=[
        InputRequired("Choose a place on the ladder."),
        NumberRange(1, rules.MAX_STEPS, f"Choose a place from 1 to {rules.MAX_STEPS}.")])
