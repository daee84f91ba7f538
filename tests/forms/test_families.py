"""The child form's birth year range follows the calendar, not the day the app started."""
from datetime import date

import time_machine
from werkzeug.datastructures import MultiDict

from graded_exposure.forms.families import ChildForm


def _checked(year: int) -> ChildForm:
    form = ChildForm(formdata=MultiDict({"display_name": "Sam", "age_band": "",
                                         "birth_year": str(year), "avatar": ""}))
    form.validate()
    return form


def test_a_child_born_in_a_new_year_is_taken_by_an_app_started_in_the_old_one(app):
    # Found from outside (time audit): the range was fixed when the module was imported.
    with time_machine.travel(date(2030, 12, 31), tick=False), app.test_request_context(
            "/", method="POST"):
        assert "birth_year" not in _checked(2030).errors
        assert _checked(2031).errors["birth_year"] == [
            "Enter a birth year from the last 21 years."]
    with time_machine.travel(date(2031, 1, 1), tick=False), app.test_request_context(
            "/", method="POST"):
        assert "birth_year" not in _checked(2031).errors
        assert _checked(2009).errors["birth_year"] == [
            "Enter a birth year from the last 21 years."]
        assert 'max="2031"' in str(ChildForm(formdata=None).birth_year())
