"""The text filters, and a check that every free-text field of every form uses one."""
import importlib
import inspect
import pkgutil

import pytest
from flask_wtf import FlaskForm
from wtforms import HiddenField, PasswordField, StringField, TextAreaField
from wtforms.fields.core import UnboundField

import graded_exposure.forms
from graded_exposure.forms.text import multi_line, single_line, single_line_each


@pytest.mark.parametrize(("typed", "kept"), [
    ("Sam\r\nBcc: x@evil", "Sam Bcc: x@evil"),
    ("  Sam\tLee ", "Sam Lee"),
    ("Sam\x00Lee", "Sam Lee"),
    ("Sam\u2028\u2029\x85\x0b\x0c\x1b\x7f\x9fLee", "Sam Lee"),
    ("Zoë 🦁 O'Neil", "Zoë 🦁 O'Neil"),
    ("\r\n\t\x00", ""),
    ("", ""),
])
def test_single_line_makes_one_line(typed, kept):
    assert single_line(typed) == kept


@pytest.mark.parametrize(("typed", "kept"), [
    ("Line one\r\nLine two\rthree\u2028four\u2029five", "Line one\nLine two\nthree\nfour\nfive"),
    ("  a\tb\n\n c  ", "a\tb\n\n c"),
    ("no\x00 nul\x07 bell\x1b esc\x7f del\x85 nel", "no nul bell esc del nel"),
    ("\x00\x00", ""),
])
def test_multi_line_keeps_lines_and_tabs_only(typed, kept):
    assert multi_line(typed) == kept


# Found from outside: names and titles that show nothing (zero-width, fillers, marks) were
# stored, leaving an empty heading; an override (U+202E) in a name turned the app's own
# sentences around it backwards. Emoji sequences and Persian keep their joiners (U+200D/C).
@pytest.mark.parametrize(("typed", "kept"), [
    ("\u200b", ""), ("\ufeff", ""), ("\u200e\u200f", ""), ("\u3164", ""), ("\u2060 \u115f", ""),
    ("\u0301\u0301", ""),  # combining marks on nothing
    ("Sam\u202e", "Sam"), ("\u202eBreathe\u202c slowly", "Breathe slowly"),
    ("\u2066Sam\u2069 Lee", "Sam Lee"), ("Sa\u200bm", "Sam"),
    ("👨\u200d👩\u200d👧", "👨\u200d👩\u200d👧"), ("می\u200cخواهم", "می\u200cخواهم"),
    ("Rene\u0301e", "Rene\u0301e"), ("سامي", "سامي"),
])
def test_invisible_and_direction_changing_characters_go(typed, kept):
    assert single_line(typed) == kept
    assert multi_line(typed) == kept


def test_other_values_pass_through():
    assert single_line(None) is None and multi_line(None) is None
    assert single_line_each(None) is None
    assert single_line_each(["Deep\nbreaths", " ", "Count\tto ten"]) == [
        "Deep breaths", "Count to ten"]


def _form_classes():
    for info in pkgutil.iter_modules(graded_exposure.forms.__path__):
        module = importlib.import_module(f"graded_exposure.forms.{info.name}")
        for _name, cls in inspect.getmembers(module, inspect.isclass):
            if issubclass(cls, FlaskForm) and cls.__module__ == module.__name__:
                yield cls


def _free_text_fields():
    for cls in _form_classes():
        for name, field in inspect.getmembers(cls, lambda a: isinstance(a, UnboundField)):
            kind = field.field_class
            if issubclass(kind, StringField) and not issubclass(kind, PasswordField | HiddenField):
                yield f"{cls.__name__}.{name}", kind, field.kwargs.get("filters", ())


FREE_TEXT_FIELDS = list(_free_text_fields())


def test_the_walk_finds_the_fields_we_know():
    names = {name for name, _kind, _filters in FREE_TEXT_FIELDS}
    assert {"ChildForm.display_name", "StepForm.title", "StepForm.detail", "LadderForm.goal",
            "CheckInForm.note_school", "NoteForm.text", "RegisterForm.display_name"} <= names


@pytest.mark.parametrize(("name", "kind", "filters"), FREE_TEXT_FIELDS,
                         ids=[name for name, _kind, _filters in FREE_TEXT_FIELDS])
def test_every_free_text_field_is_tidied(name, kind, filters):
    wanted = multi_line if issubclass(kind, TextAreaField) else single_line
    assert wanted in filters, f"{name} needs filters=[{wanted.__name__}]"
