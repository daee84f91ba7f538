"""Forms for children, the family time zone and invitations."""
from datetime import date

from wtforms import EmailField, IntegerField, RadioField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional

from .base import AppForm
from .email_address import plain_address
from .names import not_an_address
from .text import single_line
from .zones import zone_choices

AGE_BANDS = [SelectChoice(value, label) for value, label in [
    ("", "Prefer not to say"), ("under-5", "Under 5"), ("5-7", "5–7"), ("8-10", "8–10"),
    ("11-13", "11–13"), ("14-17", "14–17")]]
AVATARS = ["", "🦁", "🐻", "🦊", "🐼", "🐯", "🐨", "🦄", "🐸", "🐢", "🦖", "🚀", "⭐"]


class ChildForm(AppForm):
    display_name = StringField("Name or nickname", filters=[single_line],
                               validators=[DataRequired(), Length(min=1, max=40),
                                           not_an_address])
    age_band = SelectField("Age", choices=AGE_BANDS, default="")
    # The range is read when a form is checked, not when the app started: an app running over
    # New Year would refuse a child born in the new year.
    birth_year = IntegerField("Birth year (optional)", validators=[
        Optional(), NumberRange(min=lambda: date.today().year - 21, max=lambda: date.today().year,
                                message="Enter a birth year from the last 21 years.")])
    avatar = RadioField("Picture", default="",
                        choices=[SelectChoice(a, a or "None") for a in AVATARS])


class TimezoneForm(AppForm):
    timezone = SelectField("Family time zone", choices=zone_choices())


class InviteForm(AppForm):
    email = EmailField("Their email (optional)", filters=[single_line],
                       validators=[Optional(), Email(), Length(max=254), plain_address])
