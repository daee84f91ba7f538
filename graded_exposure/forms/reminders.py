"""Forms for reminder schedules and a user's notification settings (quiet hours, emails)."""
from wtforms import RadioField, SelectChoice, SelectField, SelectMultipleField, StringField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from ..channels import registry
from ..errors import DomainError
from ..rules.schedule import WEEKDAY_NAMES
from ..rules.timezones import valid_timezone
from ..services.notification_settings import KIND_LABELS
from ..services.reminders import CAREGIVER_KINDS, checked_time
from .base import AppForm
from .text import single_line
from .zones import zone_choices

KIND_CHOICES = [SelectChoice("practice", "Practice reminder"),
                SelectChoice("missed_nudge", "Evening nudge if nothing was logged"),
                SelectChoice("weekly_digest", "Weekly digest")]
DAY_CHOICES = [SelectChoice(str(n), name) for n, name in enumerate(WEEKDAY_NAMES, start=1)]
CHANNEL_CHOICES = [SelectChoice(c.name, c.label) for c in registry.OPTIONAL]
EMAIL_KIND_CHOICES = [SelectChoice(kind, label) for kind, label in KIND_LABELS.items()]


class CheckboxesField(SelectMultipleField):
    """Several choices shown as checkboxes (each option renders an <input type=checkbox>)."""

    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


def _time_of_day(_form, field) -> None:
    try:
        field.data = checked_time(field.data or "")
    except DomainError as e:
        raise ValidationError(str(e)) from None


def _optional_time_of_day(form, field) -> None:
    if (field.data or "").strip():
        _time_of_day(form, field)
    else:
        field.data = ""


class ReminderForm(AppForm):
    # Choices are checked by the validators below, so their messages can say what to do.
    child_id = SelectField("Who is it about?", validate_choice=False)
    kind = RadioField("What kind of reminder?", choices=KIND_CHOICES, default="practice",
                      validate_choice=False)
    weekdays = CheckboxesField("Days", choices=DAY_CHOICES, validate_choice=False,
                                   default=["1", "2", "3", "4", "5"])
    local_time = StringField("Time", default="07:30", filters=[single_line],
                             validators=[_time_of_day])
    timezone = SelectField("Time zone", validate_choice=False, choices=zone_choices())
    channels = CheckboxesField("Also send it by", choices=CHANNEL_CHOICES,
                                   validate_choice=False, default=["email"])

    def __init__(self, *args, children=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.child_id.choices = [SelectChoice(str(c.id), c.display_name) for c in children]

    def validate_child_id(self, field) -> None:
        if field.data not in {choice.value for choice in field.choices}:
            raise ValidationError("Choose one of your children.")

    def validate_kind(self, field) -> None:
        if field.data not in CAREGIVER_KINDS:
            raise ValidationError("Choose what the reminder is for.")

    def validate_weekdays(self, field) -> None:
        if not field.data:
            raise ValidationError("Choose at least one day of the week.")
        if not set(field.data) <= {c.value for c in DAY_CHOICES}:
            raise ValidationError("Choose days of the week from Monday to Sunday.")

    def validate_timezone(self, field) -> None:
        if not valid_timezone(field.data or ""):
            raise ValidationError(f"“{field.data}” is not a time zone we know. "
                                  "Choose one from the list.")

    def validate_channels(self, field) -> None:
        if not set(field.data or []) <= set(registry.BY_NAME):
            nouns = [c.noun for c in registry.OPTIONAL]
            raise ValidationError(f"Choose {', '.join(nouns)}, or "
                                  f"{'neither' if len(nouns) == 2 else 'none'}.")


class NotificationSettingsForm(AppForm):
    quiet_start = StringField("Quiet from", filters=[single_line],
                              validators=[_optional_time_of_day])
    quiet_end = StringField("Quiet until", filters=[single_line],
                            validators=[_optional_time_of_day])
    email_kinds = CheckboxesField("Emails I want", choices=EMAIL_KIND_CHOICES,
                                      validate_choice=False)

    def validate_quiet_end(self, field) -> None:
        if bool(self.quiet_start.data) != bool(field.data):
            raise ValidationError("Give quiet hours both a start and an end, or leave both empty.")

    def validate_email_kinds(self, field) -> None:
        if not set(field.data or []) <= set(KIND_LABELS):
            raise ValidationError("Choose emails from the list.")
