"""The re-rating form: one tap on the five-step likelihood scale."""
from wtforms import RadioField, SelectChoice

from ..rules.expectancy import LIKELIHOOD_WORDS
from .base import AppForm


class RerateForm(AppForm):
    """How likely the feared outcome of a practice feels now."""

    # RadioField refuses a missing or unknown step with this one message.
    likelihood = RadioField("How likely does it feel now?",
                            choices=[SelectChoice(str(k), v) for k, v in LIKELIHOOD_WORDS.items()],
                            invalid_choice_message="Tap how likely it feels now.")

    def chosen(self) -> int:
        """The step tapped, as a percent."""
        return int(self.likelihood.data)
