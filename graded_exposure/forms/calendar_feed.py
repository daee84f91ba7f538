"""The form that turns the private calendar feed on, or changes whether it names the child."""
from wtforms import BooleanField

from .base import AppForm


class CalendarFeedForm(AppForm):
    show_child_names = BooleanField("Show my child's name in event titles", default=False)
