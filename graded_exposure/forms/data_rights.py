"""Forms for deleting an account for real."""
from wtforms import BooleanField, PasswordField
from wtforms.validators import DataRequired, InputRequired, Length

from .base import AppForm


class DeleteAccountForm(AppForm):
    password = PasswordField("Your password", validators=[
        InputRequired(message="Enter your password to confirm."), Length(max=1024)])
    understood = BooleanField("I understand that this cannot be undone",
                              validators=[DataRequired(message="Tick the box to confirm.")])
