"""Forms of the parent-led plan (SPACE): choose a target and write the plan, the announcement."""
from wtforms import BooleanField, DateField, IntegerField, RadioField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length, NumberRange, ValidationError

from ..rules import accommodation_plan as rules
from ..services.accommodation_plans import PlanInput
from .base import AppForm
from .text import multi_line, single_line

OWN_TARGET = "own"


class PlanForm(AppForm):
    """What the parents will do and say instead; shared by writing and changing a plan."""

    instead = TextAreaField("What will you do instead?", filters=[multi_line], validators=[
        InputRequired(message="Say what you will do instead."), Length(max=500)])
    starts_on = DateField("From when?", validators=[InputRequired(message="Choose a start day.")])
    acceptance = StringField("Acceptance: the fear is real", filters=[single_line], validators=[
        InputRequired(message="Write the acceptance part of what you will say."),
        Length(max=150)])
    confidence = StringField("Confidence: your child can cope", filters=[single_line],
                             validators=[InputRequired(
                                 message="Write the confidence part of what you will say."),
                                 Length(max=150)])
    if_upset = TextAreaField("If your child gets very upset, what will you do?",
                             filters=[multi_line], validators=[InputRequired(
                                 message="Say what you will do if your child gets very upset."),
                                 Length(max=500)])

    def plan_input(self, target: str, avoidance_kind: str = "",
                   accommodation: str = "") -> PlanInput:
        """Return what was entered, for the given target."""
        return PlanInput(target=target, instead=self.instead.data,
                         starts_on=self.starts_on.data, acceptance=self.acceptance.data,
                         confidence=self.confidence.data, if_upset=self.if_upset.data,
                         avoidance_kind=avoidance_kind, accommodation=accommodation)


class NewPlanForm(PlanForm):
    """Choose one target (from the check-ins, or the family's own words), then the plan."""

    choice = RadioField("Which accommodation will you change first?", choices=[],
                        validators=[InputRequired(message="Choose one target.")])
    own_target = StringField("Your own target", filters=[single_line],
                             validators=[Length(max=200)])
    not_safety = BooleanField("This is something we do for comfort, not to keep anyone safe")

    def offer(self, candidates, name: str) -> None:
        """Offer the suggested targets, then the family's own."""
        self.candidates = {f"{c.avoidance_kind}:{c.accommodation}": c for c in candidates}
        self.choice.choices = [(key, c.label(name)) for key, c in self.candidates.items()]
        self.choice.choices.append((OWN_TARGET, "Something else (write it below)"))
        self.name = name

    def validate_own_target(self, field):
        if self.choice.data == OWN_TARGET:
            if not field.data:
                raise ValidationError("Write the accommodation you will change.")
            if not self.not_safety.data:
                raise ValidationError("Choose something done for comfort: an accommodation "
                                      "that keeps someone safe stays.")

    def to_input(self) -> PlanInput:
        """Return the plan for the chosen target."""
        chosen = self.candidates.get(self.choice.data)
        if chosen is None:
            return self.plan_input(self.own_target.data)
        return self.plan_input(chosen.label(self.name), chosen.avoidance_kind,
                               chosen.accommodation)


class EditPlanForm(PlanForm):
    """Change a plan's words; the target keeps its kind, its wording may change."""

    target = StringField("The accommodation you are changing", filters=[single_line],
                         validators=[InputRequired(message="Say which accommodation."),
                                     Length(max=200)])

    hold_days = IntegerField("Held when kept on this many days", validators=[
        InputRequired(message="Say on how many days."),
        NumberRange(min=1, max=30, message="Choose from 1 to 30 days.")])
    hold_window = IntegerField("out of the last … days", validators=[
        InputRequired(message="Say out of how many days."),
        NumberRange(min=1, max=30, message="Choose from 1 to 30 days.")])

    def to_input(self, plan) -> PlanInput:
        """Return the changed plan, keeping the target's kind."""
        data = self.plan_input(self.target.data, plan.avoidance_kind, plan.accommodation)
        data.hold_days, data.hold_window = self.hold_days.data, self.hold_window.data
        return data


class AnnouncementForm(AppForm):
    text = TextAreaField("What you will say to your child", filters=[multi_line],
                         render_kw={"rows": 10},
                         validators=[Length(max=2000)])


def cautions(form: PlanForm) -> tuple[str, ...]:
    """Gentle cautions about the statement written in the form."""
    return rules.statement_cautions(f"{form.acceptance.data or ''} {form.confidence.data or ''}")
