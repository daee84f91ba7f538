"""Forms for linking a therapist to a child: a code, an email invitation, ending a link."""
from wtforms import BooleanField, EmailField, HiddenField, SelectChoice, SelectField, StringField
from wtforms.validators import DataRequired, Email, InputRequired, Length

from .base import AppForm
from .email_address import plain_address
from .text import single_line


class _ChildChoice(AppForm):
    """A form with a child picked from the caregiver's own family."""

    child_id = SelectField("Which child", choices=[])

    def __init__(self, children, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # String values, so a non-number is "not a valid choice" rather than a coercion error.
        self.child_id.choices = [SelectChoice(str(c.id), c.display_name) for c in children]

    def chosen_child_id(self) -> int:
        """Return the validated child id (one of the family's own children)."""
        return int(self.child_id.data)


class LinkCodeForm(_ChildChoice):
    code = StringField("Code from your therapist", filters=[single_line], validators=[
        DataRequired(message="Enter the code your therapist gave you."),
        Length(max=20, message="A code has 8 letters and numbers, like ABCD-2345.")],
        render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class TherapistInviteForm(_ChildChoice):
    email = EmailField("Therapist's email", filters=[single_line], validators=[
        InputRequired(message="Enter the therapist's email address."),
        Email(message="Enter a valid email address."), Length(max=254), plain_address])
    consent = BooleanField("I agree to share what is listed above with this therapist",
                           validators=[DataRequired(message="Tick the box to agree to share.")])


class EndLinkForm(AppForm):
    confirm = HiddenField()  # "yes" only when sent from the confirmation page
