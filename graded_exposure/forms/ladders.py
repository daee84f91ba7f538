"""Forms for ladders, their steps, sub-steps and calming plan."""
from flask_wtf import FlaskForm
from wtforms import (
    HiddenField,
    RadioField,
    SelectChoice,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import DataRequired, InputRequired, Length

from ..rules import ladder_rules as rules
from ..rules.ladder_templates import TEMPLATES

AREA_CHOICES = [SelectChoice(key, label) for key, label in rules.AREAS.items()]
FEAR_CHOICES = [SelectChoice(str(n), str(n)) for n in range(rules.FEAR_MIN, rules.FEAR_MAX + 1)]


def _tidy(value):
    """Trim text and use plain newlines, so lengths match what the person typed."""
    return value.replace("\r\n", "\n").strip() if isinstance(value, str) else value


class LadderForm(FlaskForm):
    goal = StringField("Goal", filters=[_tidy], validators=[
        DataRequired("Write the goal the ladder leads to."), Length(max=rules.GOAL_MAX)])
    area = RadioField("Area", choices=AREA_CHOICES,
                      validators=[InputRequired("Choose an area.")])


class TemplateChoiceForm(FlaskForm):
    template = RadioField("Ladder", validators=[InputRequired("Choose one of the ladders.")],
                          choices=[SelectChoice(t.key, t.name) for t in TEMPLATES])


class StepForm(FlaskForm):
    title = StringField("Step", filters=[_tidy], validators=[
        DataRequired("Give the step a short title."), Length(max=rules.TITLE_MAX)])
    predicted_fear = RadioField("How scary will it feel? (0 = not at all, 10 = the most)",
                                coerce=int, choices=FEAR_CHOICES,
                                validators=[InputRequired("Choose a number from 0 to 10.")])
    detail = TextAreaField("Details (optional)", filters=[_tidy],
                           validators=[Length(max=rules.DETAIL_MAX)])
    social_story = TextAreaField("Social story (optional)", filters=[_tidy],
                                 validators=[Length(max=rules.STORY_MAX)])


class MoveForm(FlaskForm):
    direction = HiddenField(validators=[InputRequired("Move a step up or down.")])


class SubStepForm(FlaskForm):
    text = StringField("Add a small step", filters=[_tidy], validators=[
        DataRequired("Write the small step."), Length(max=rules.SUBSTEP_MAX)])


class CalmingForm(FlaskForm):
    strategies = SelectMultipleField(
        "Calming strategies", choices=[], option_widget=widgets.CheckboxInput(),
        widget=widgets.ListWidget(prefix_label=False),
        invalid_choice_message="Choose strategies from the list.")
    custom = StringField("Add your own (optional)", filters=[_tidy],
                         validators=[Length(max=rules.CUSTOM_CALMING_MAX)])

    def __init__(self, *args, plan: list[str] | tuple[str, ...] = (), **kwargs):
        super().__init__(*args, **kwargs)
        self.custom_strategies = [s for s in plan if s not in rules.CALMING_STRATEGIES]
        self.strategies.choices = [SelectChoice(s, s) for s in
                                   (*rules.CALMING_STRATEGIES, *self.custom_strategies)]
