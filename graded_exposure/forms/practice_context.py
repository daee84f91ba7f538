"""The practice form's safety behaviours and context (where, with whom, when): their own block,
so other additions to the practice form merge beside them."""
from wtforms import RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import AnyOf

from ..rules.practice_context import PEOPLE, PLACES, TIMES
from .base import NOT_NOTED
from .text import single_line_each

CONTEXT_NAMES = ("safety_used", "context_where", "context_with", "context_time")


def _optional_choice(label: str, mapping: dict[str, str], message: str) -> RadioField:
    return RadioField(label, choices=[*(SelectChoice(k, v) for k, v in mapping.items()), NOT_NOTED],
                      default="", validate_choice=False,
                      validators=[AnyOf(["", *mapping], message=message)])


class SafetyAndContextFields:
    """Fields mixed into the practice form; all optional."""

    safety_used = SelectMultipleField("What did your child lean on?", choices=[],
                                      validate_choice=False, filters=[single_line_each])
    context_where = _optional_choice("Where?", PLACES, "Choose where it happened from the list.")
    context_with = _optional_choice("Who was with your child?", PEOPLE,
                                    "Choose who was there from the list.")
    context_time = _optional_choice("Time of day", TIMES, "Choose the time of day from the list.")

    def safety_and_context(self) -> dict:
        """Return these fields' values as PracticeDetails keyword arguments."""
        return {"safety_used": list(self.safety_used.data or []),
                "context_where": self.context_where.data or "",
                "context_with": self.context_with.data or "",
                "context_time": self.context_time.data or ""}
