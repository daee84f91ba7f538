"""The session record form: a few taps after a session, everything but the date optional."""
from wtforms import RadioField, SelectChoice, SelectMultipleField, StringField, TextAreaField
from wtforms.validators import InputRequired, Length
from wtforms.widgets import CheckboxInput, ListWidget

from ..rules import session_record as rules
from ..rules.session_record import SessionDetails
from ..vocabulary import (
    APPROACH_RESULTS,
    APPROACHES,
    ATTENDANCE,
    ENGAGEMENT_LEVELS,
    SESSION_MODES,
    SESSION_PRESENTATIONS,
    SESSION_WINS,
    Attendance,
    SessionMode,
)
from .base import NOT_NOTED, AppForm
from .idempotent import IdempotentForm
from .text import multi_line, single_line, single_line_each
from .therapist import DayField

APPROACH_PREFIX = "approach_"
_NOT_USED = SelectChoice("", "Not used")


def _choices(mapping: dict) -> list[SelectChoice]:
    return [SelectChoice(str(value), label) for value, label in mapping.items()]


def _checkboxes(label: str, mapping: dict[str, str]) -> SelectMultipleField:
    return SelectMultipleField(label, choices=_choices(mapping), widget=ListWidget(),
                               option_widget=CheckboxInput(),
                               validate_choice=False)  # refused by the rule, in plain words


def _result(label: str) -> RadioField:
    return RadioField(label, choices=[_NOT_USED, *_choices(APPROACH_RESULTS)], default="",
                      validate_choice=False)


class SessionForm(AppForm):
    held_on = DayField("Date", validators=[InputRequired("Enter the date of the session.")])
    mode = RadioField("Where", choices=_choices(SESSION_MODES), default=SessionMode.IN_PERSON,
                      validate_choice=False)
    attendance = RadioField("Did it happen?", choices=_choices(ATTENDANCE),
                            default=Attendance.ATTENDED, validate_choice=False)
    presentations = _checkboxes("What the child showed", SESSION_PRESENTATIONS)
    engagement = RadioField("Engagement", choices=[NOT_NOTED,
                                                   *_choices(ENGAGEMENT_LEVELS)],
                            default="", validate_choice=False)
    calming = SelectMultipleField("What calmed the body first", choices=[],
                                  validate_choice=False, filters=[single_line_each])
    custom_approach = StringField("Your own approach (optional)", filters=[single_line],
                                  validators=[Length(max=rules.MAX_CUSTOM, message=(
                                      f"Name your own approach in at most {rules.MAX_CUSTOM} "
                                      "characters."))])
    wins = _checkboxes("Small wins in the session", SESSION_WINS)
    note = TextAreaField("Private note (only you see it)", filters=[multi_line],
                         validators=[Length(max=rules.MAX_NOTE, message=(
                             f"Keep the note to {rules.MAX_NOTE} characters or fewer."))])

    def approach_fields(self) -> list:
        """The approaches' clicked / partly / didn't radios, in the order they are offered."""
        return [self[APPROACH_PREFIX + key] for key in [*APPROACHES, rules.CUSTOM]]

    def details(self) -> SessionDetails:
        """Return what was entered, for the therapy_sessions service (which checks it)."""
        engagement = self.engagement.data or ""
        return SessionDetails(
            held_on=self.held_on.data, mode=self.mode.data or "",
            attendance=self.attendance.data or "",
            presentations=list(self.presentations.data or []),
            engagement=int(engagement) if engagement.isdigit() else (
                None if not engagement else -1),
            calming=list(self.calming.data or []),
            approaches={field.name.removeprefix(APPROACH_PREFIX): field.data
                        for field in self.approach_fields() if field.data},
            custom_approach=self.custom_approach.data or "",
            wins=list(self.wins.data or []), note=self.note.data or "")


for _key, _label in [*APPROACHES.items(), (rules.CUSTOM, "Your own approach")]:
    setattr(SessionForm, APPROACH_PREFIX + _key, _result(_label))


class NewSessionForm(IdempotentForm, SessionForm):
    """The session form as first filled in: stored once per render."""


def edit_form(details: SessionDetails) -> SessionForm:
    """The form filled in with a stored record's values."""
    form = SessionForm(formdata=None, data={
        "held_on": details.held_on, "mode": details.mode, "attendance": details.attendance,
        "presentations": details.presentations,
        "engagement": "" if details.engagement is None else str(details.engagement),
        "calming": details.calming, "custom_approach": details.custom_approach,
        "wins": details.wins, "note": details.note,
        **{APPROACH_PREFIX + key: result for key, result in details.approaches.items()}})
    return form
