"""Forms for registering, logging in and managing passwords."""
from wtforms import EmailField, HiddenField, PasswordField, RadioField, SelectChoice, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from ..rules.passwords import MAX_LENGTH, MIN_LENGTH
from ..vocabulary import Role
from .base import AppForm
from .email_address import plain_address
from .names import not_an_address
from .text import single_line

_password = [InputRequired(), Length(
    min=MIN_LENGTH, max=MAX_LENGTH,
    message=f"Use at least {MIN_LENGTH} and at most {MAX_LENGTH} characters.")]
_email = [InputRequired(), Email(), Length(max=254)]
_email_to_write_to = [*_email, plain_address]  # sign-up and joining: the app writes to it


class RegisterForm(AppForm):
    display_name = StringField("Your name", filters=[single_line],
                               validators=[DataRequired(), Length(max=80), not_an_address])
    email = EmailField("Email", filters=[single_line], validators=_email_to_write_to)
    password = PasswordField("Password", validators=_password)
    role = RadioField("I am a", default=Role.CAREGIVER,
                      choices=[SelectChoice(Role.CAREGIVER, "Parent or caregiver"),
                               SelectChoice(Role.THERAPIST, "Therapist")])
    timezone = HiddenField(default="UTC", render_kw={"data-browser-timezone": ""})


class FinishSignUpForm(AppForm):
    """The password chosen at sign-up, typed again: anyone can start a sign-up for any address,
    so the link alone (which reaches the address's owner) must not make the account with a
    stranger's password. Opening the link (GET) never creates the account by itself."""

    password = PasswordField("The password you chose when you signed up", validators=[
        InputRequired(message="Type the password you chose when you signed up.")])


class JoinFamilyForm(AppForm):
    display_name = StringField("Your name", filters=[single_line],
                               validators=[DataRequired(), Length(max=80), not_an_address])
    email = EmailField("Email", filters=[single_line], validators=_email_to_write_to)
    password = PasswordField("Password", validators=_password)


class LoginForm(AppForm):
    email = EmailField("Email", filters=[single_line],
                       validators=[InputRequired(), Length(max=254)])
    password = PasswordField("Password", validators=[InputRequired(), Length(max=1024)])


class ResetRequestForm(AppForm):
    email = EmailField("Email", filters=[single_line], validators=_email)


class ResetPasswordForm(AppForm):
    password = PasswordField("New password", validators=_password)


class ChangePasswordForm(AppForm):
    current = PasswordField("Current password", validators=[InputRequired(), Length(max=1024)])
    new = PasswordField("New password", validators=_password)
