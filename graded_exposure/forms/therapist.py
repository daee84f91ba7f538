"""Forms on a therapist's page for a child: notes and homework, target, last session, reminder."""
from datetime import time

from wtforms import DateField, RadioField, SelectChoice, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, ValidationError

from ..errors import DomainError
from ..models import REFERRAL_TEXT_MAX
from ..services.caseload import TARGET_MAX, TARGET_MIN
from ..services.reminders import checked_time
from ..services.therapist_notes import KINDS, MAX_REMINDER_MESSAGE, MAX_TEXT
from .base import AppForm
from .ladders import WholeNumberField
from .text import multi_line, single_line

KIND_CHOICES = [SelectChoice("homework", "Homework"), SelectChoice("note", "Note")]


class DayField(DateField):
    """A date box whose error says what to type, for text that is not a date."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError("Enter a date, like 2025-05-06.") from None


class NoteForm(AppForm):
    kind = RadioField("What is it?", choices=KIND_CHOICES, default="homework",
                      validate_choice=False)
    text = TextAreaField("Your words to the family", filters=[multi_line], validators=[
        DataRequired("Write the note or homework first."),
        Length(max=MAX_TEXT, message=f"Keep it to {MAX_TEXT} characters or fewer.")])
    ladder_id = SelectField("About", validate_choice=False, default="")

    def __init__(self, *args, child=None, ladders=(), **kwargs):
        super().__init__(*args, **kwargs)
        everything = f"{child.display_name} in general" if child else "The child in general"
        self.ladder_id.choices = [SelectChoice("", everything), *(
            SelectChoice(str(ladder.id), ladder.goal) for ladder in ladders)]

    def validate_kind(self, field) -> None:
        if field.data not in KINDS:
            raise ValidationError("Choose whether this is homework or a note.")

    def validate_ladder_id(self, field) -> None:
        if (field.data or "") not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose one of the child's ladders, or none.")

    def chosen_ladder_id(self) -> int | None:
        """Return the chosen ladder's id, or None for a note on the child in general."""
        return int(self.ladder_id.data) if self.ladder_id.data else None


class PracticeTargetForm(AppForm):
    practice_target_days = WholeNumberField("Practice days a week", validators=[NumberRange(
        TARGET_MIN, TARGET_MAX, f"The practice target must be a whole number of days from "
        f"{TARGET_MIN} to {TARGET_MAX}.")])


class LastSessionForm(AppForm):
    last_session_on = DayField("Date of the last session", validators=[
        InputRequired("Enter the date of the last session.")])


class ReferralTextForm(AppForm):
    referral_text = TextAreaField("Referral pathway", filters=[multi_line], validators=[
        Length(max=REFERRAL_TEXT_MAX,
               message=f"Keep the referral pathway to {REFERRAL_TEXT_MAX} characters or fewer.")])


REMINDER_AT = time(18, 0)  # the time the form offers: after school, before bedtime


class FamilyReminderForm(AppForm):
    message = TextAreaField("Message", filters=[multi_line], validators=[
        DataRequired("Write what the reminder should say."),
        Length(max=MAX_REMINDER_MESSAGE,
               message=f"Keep the message to {MAX_REMINDER_MESSAGE} characters or fewer.")])
    on = SelectField("Day", validate_choice=False)
    at = StringField("Time", default=REMINDER_AT.strftime("%H:%M"), filters=[single_line])

    def __init__(self, *args, days=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.on.choices = [SelectChoice(day.isoformat(), _day_label(day, n))
                           for n, day in enumerate(days)]

    def validate_on(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose a day from today to a week ahead.")

    def validate_at(self, field) -> None:
        try:
            field.data = checked_time(field.data or "")
        except DomainError as e:
            raise ValidationError(str(e)) from None


def _day_label(day, offset: int) -> str:
    names = {0: "Today", 1: "Tomorrow"}
    return f"{names[offset]} ({day:%a %-d %b})" if offset in names else f"{day:%A %-d %B}"
