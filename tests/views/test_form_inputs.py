"""input_html (views/form_inputs.py) writes a field's input as its WTForms widget renders it: the
same bytes as field(**attributes) for every field of every form in the app, empty, filled in and
refused, and for the awkward cases (render_kw, flags, escaping, options) on a form of its own."""
import importlib
import inspect
import pkgutil
from datetime import date
from types import SimpleNamespace

import pytest
from markupsafe import Markup
from werkzeug.datastructures import MultiDict
from wtforms import (
    BooleanField,
    DateField,
    Field,
    Form,
    IntegerField,
    PasswordField,
    RadioField,
    SelectChoice,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.validators import (
    DataRequired,
    DateRange,
    InputRequired,
    Length,
    NumberRange,
    Regexp,
)
from wtforms.widgets import NumberInput, PasswordInput, Select

import graded_exposure.forms
from graded_exposure.forms.base import AppForm
from graded_exposure.views.form_inputs import input_html

# What the field() macro passes, and more.
ATTRIBUTES = [{}, {"type": "time"}, {"type": "number"}, {"aria-describedby": "x-hint x-error"},
              {"aria_describedby": "x-hint"}, {"class_": "wide", "data_role": "a"},
              {"placeholder": 'say "hi" & <wave>'}, {"autocomplete": "off", "required": False},
              {"title": Markup('a "raw" quote')}, {"id": "other", "value": "given"}]
ODD = 'a "quoted" & <odd> value'
_CHILDREN = [SimpleNamespace(id=1, display_name="Sam"), SimpleNamespace(id=2, display_name=ODD)]
# What the forms that offer choices are built with (by keyword: forms take the same names).
CHOICES = {"children": _CHILDREN, "child": _CHILDREN[1], "plan": ["Slow breathing", ODD],
           "ladders": [SimpleNamespace(id=3, goal=ODD)], "days": [date(2026, 5, 6)]}


def _all_forms() -> list[type]:
    for module in pkgutil.iter_modules(graded_exposure.forms.__path__):
        importlib.import_module(f"graded_exposure.forms.{module.name}")
    found, todo = [], [AppForm]
    while todo:
        todo.extend(sub := todo.pop().__subclasses__())
        found += sub
    return found


def _built(form_class, formdata) -> AppForm:
    wanted = inspect.signature(form_class.__init__).parameters
    return form_class(formdata=formdata, **{k: v for k, v in CHOICES.items() if k in wanted})


def _filled(form_class, formdata) -> AppForm:
    form = _built(form_class, formdata)
    if formdata is not None:
        form.validate()
    return form


def _equal_for_every_field(form) -> int:
    compared = 0
    for field in form:
        if field.type in ("CSRFTokenField",):
            continue
        for attributes in ATTRIBUTES:
            assert str(input_html(field, **attributes)) == str(field(**attributes)), (
                type(form).__name__, field.name, attributes)
            compared += 1
    return compared


@pytest.mark.parametrize("values", ["none", "empty", "odd"])
def test_every_field_of_every_form_renders_as_its_widget(app, values):
    forms = _all_forms()
    assert len(forms) > 10
    with app.test_request_context("/", method="POST"):
        compared = 0
        for form_class in forms:
            names = [f.name for f in _built(form_class, None)]
            formdata = {"none": None, "empty": MultiDict(),
                        "odd": MultiDict([(name, ODD) for name in names])}[values]
            compared += _equal_for_every_field(_filled(form_class, formdata))
    assert compared > 300


class Awkward(Form):
    text = StringField("Text", validators=[DataRequired(), Length(min=2, max=9)],
                       render_kw={"autocomplete": "off", "data_thing": 'x"y'})
    pattern = StringField("Pattern", validators=[Regexp(r"\d+")])
    secret = PasswordField("Secret", validators=[InputRequired()])
    secret_kept = PasswordField("Kept", widget=PasswordInput(hide_value=False))
    count = IntegerField("Count", validators=[NumberRange(1, 7)])
    stepped = IntegerField("Stepped", widget=NumberInput(step=2, min=0, max=10))
    dynamic = IntegerField("Dynamic", validators=[NumberRange(min=lambda: 2, max=lambda: 9)])
    day = DateField("Day")
    bounded_day = DateField("Bounded", validators=[DateRange(min=date(2026, 1, 1))])
    words = TextAreaField("Words", validators=[Length(max=300)], render_kw={"rows": 3})
    pick = SelectField("Pick", choices=[
        SelectChoice("", "None"), SelectChoice(ODD, "Odd <label>"),
        SelectChoice("kw", "With attributes", render_kw={"data-x": "1", "disabled": True}),
        SelectChoice("empty", "")], validators=[InputRequired()])
    flag = SelectField("Flag", choices=[SelectChoice(True, "Yes"), SelectChoice(False, "No")],
                       coerce=bool)
    grouped = SelectField("Grouped", choices=[SelectChoice("a1", "One", optgroup="A"),
                                              SelectChoice("b1", "Two", optgroup="B")])
    many = SelectMultipleField("Many", choices=[SelectChoice("a", "A"), SelectChoice("b", "B")])
    tick = BooleanField("Tick")
    radio = RadioField("Radio", choices=[SelectChoice("r", "R")])


class OwnOptions(Select):
    @classmethod
    def render_option(cls, choice, **kwargs):
        return Markup("<option>own</option>")


class WithOwnOptions(Form):
    pick = SelectField("Pick", choices=[SelectChoice("a", "A")], widget=OwnOptions())


@pytest.mark.parametrize("data", [
    {},
    {"text": "<b>&", "pattern": "12", "secret": "s", "secret_kept": 'k"', "count": "3",
     "stepped": "4", "day": "2026-05-06", "bounded_day": "2026-05-06", "words": "two\nlines <i>",
     "pick": ODD, "flag": "True", "grouped": "b1", "many": ["a", "b"], "tick": "y", "radio": "r"},
    {"count": "x", "day": "not a date", "pick": "nope", "words": "y" * 400},
])
def test_awkward_fields_render_as_their_widgets(data, app):
    formdata = MultiDict([(k, v) for k, vs in data.items()
                          for v in (vs if isinstance(vs, list) else [vs])])
    form = Awkward(formdata)
    form.validate()
    assert _equal_for_every_field(form) == len(list(form)) * len(ATTRIBUTES)
    own = WithOwnOptions()
    assert str(input_html(own.pick)) == str(own.pick()) == (
        '<select id="pick" name="pick"><option>own</option></select>')


def test_the_common_widgets_are_written_out_not_called(app, monkeypatch):
    form = Awkward(MultiDict({"text": "hello", "count": "3"}))
    known = ["text", "pattern", "count", "stepped", "dynamic", "day", "words", "pick", "flag"]
    expected = {name: str(form[name]()) for name in known}

    def refuse(*_args, **_kwargs):
        raise AssertionError("the widget was called")

    monkeypatch.setattr(Field, "__call__", refuse)
    assert {name: str(input_html(form[name])) for name in known} == expected
    with pytest.raises(AssertionError):  # a widget it does not know is called
        input_html(form.bounded_day)


# The field() macro as it was when it called WTForms for the label and the input (with
# aria-invalid on a refused input, added since): the macro in templates/_macros/forms.html must
# write exactly what this writes.
WTFORMS_FIELD = """{% from "_macros/forms.html" import errors %}
{%- macro field(f, hint=None, type=None) %}
<div class="field{% if f.errors %} has-error{% endif %}">
  {{ f.label() }}
  {% if hint %}<p class="hint" id="{{ f.id }}-hint">{{ hint }}</p>{% endif %}
  {% set described = ((f.id ~ '-hint') if hint else '') ~ (' ' ~ f.id ~ '-error' if f.errors else '') %}{% set extra = dict(({'aria-describedby': described.strip()} if described.strip() else {}), **({'aria-invalid': 'true'} if f.errors else {})) %}
  {% if type %}{{ f(type=type, **extra) }}
  {% else %}{{ f(**extra) }}{% endif %}
  {{ errors(f) }}
</div>
{% endmacro %}"""


@pytest.mark.parametrize("values", ["none", "odd"])
def test_the_field_macro_writes_what_wtforms_wrote(app, values):
    ours = app.jinja_env.get_template("_macros/forms.html").module.field
    theirs = app.jinja_env.from_string(WTFORMS_FIELD).module.field
    with app.test_request_context("/", method="POST"):
        compared = 0
        for form_class in _all_forms():
            names = [f.name for f in _built(form_class, None)]
            formdata = None if values == "none" else MultiDict([(n, ODD) for n in names])
            for field in _filled(form_class, formdata):
                if field.type in ("CSRFTokenField", "RadioField", "BooleanField", "HiddenField"):
                    continue
                for hint, kind in ((None, None), ('Up to "300" <chars>', None), ("h", "time")):
                    assert str(ours(field, hint=hint, type=kind)) == str(
                        theirs(field, hint=hint, type=kind)), (form_class.__name__, field.name)
                    compared += 1
    assert compared > 100
