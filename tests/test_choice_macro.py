"""The `choice_input` macro (templates/_macros/forms.html) writes a radio or checkbox out as WTForms'
widget renders it: same attributes in the same order, checked, required and escaping included.
Every choice field in the templates goes through it, so these pin it to the widget."""
import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, RadioField, SelectChoice, SelectMultipleField
from wtforms.validators import InputRequired
from wtforms.widgets import CheckboxInput, ListWidget

TRICKY = [SelectChoice("plain", "Plain"), SelectChoice('a "quoted" & <odd> value', "Odd"),
          SelectChoice("2", "Two")]


class Choices(Form):
    required_radio = RadioField("Pick one", choices=TRICKY,
                                validators=[InputRequired("Choose one.")])
    optional_radio = RadioField("Maybe", choices=TRICKY, validate_choice=False)
    boxes = SelectMultipleField("Some", choices=TRICKY, widget=ListWidget(prefix_label=False),
                                option_widget=CheckboxInput())


@pytest.mark.parametrize("data", [
    {},
    {"required_radio": "plain", "optional_radio": "2", "boxes": ["plain", "2"]},
    {"required_radio": 'a "quoted" & <odd> value', "boxes": ['a "quoted" & <odd> value']},
])
def test_the_macro_renders_each_option_as_the_widget_does(app, data):
    form = Choices(MultiDict([(k, v) for k, vs in data.items()
                              for v in (vs if isinstance(vs, list) else [vs])]))
    macro = app.jinja_env.get_template("_macros/forms.html").module.choice_input
    for field in form:
        for option in field:
            assert str(macro(option)) == str(option()), field.name
    checked = [str(macro(option)) for field in form for option in field if option.checked]
    assert len(checked) == sum(len(v) if isinstance(v, list) else 1 for v in data.values())
    assert all(html.startswith("<input checked ") for html in checked)
    assert all(" required " in str(macro(option)) for option in form.required_radio)


@pytest.mark.parametrize("data", [
    {},
    {"required_radio": "2", "optional_radio": 'a "quoted" & <odd> value', "boxes": ["2"]},
])
def test_choice_options_render_as_the_fields_own_options(app, data):
    """choice_options (views/form_inputs.py) stands in for iterating a field: through the macro
    each option is the widget's markup for the subfield WTForms would build, label included."""
    from graded_exposure.views.form_inputs import choice_options
    form = Choices(MultiDict([(k, v) for k, vs in data.items()
                              for v in (vs if isinstance(vs, list) else [vs])]))
    macro = app.jinja_env.get_template("_macros/forms.html").module.choice_input
    for field in form:
        light, built = choice_options(field), list(field)
        assert [str(macro(o)) for o in light] == [str(o()) for o in built], field.name
        assert [o.label.text for o in light] == [o.label.text for o in built]


def test_the_practice_forms_chips_match_their_fields(app):
    """Every chip group of the practice form, filled in, renders as iterating the field would."""
    from graded_exposure.forms.practices import LogPracticeForm
    from graded_exposure.views.form_inputs import choice_options
    with app.test_request_context(method="POST", data={
            "outcome": "did_it", "expected_likelihood": "75", "small_wins": ["stayed"]}):
        form = LogPracticeForm(meta={"csrf": False})
        macro = app.jinja_env.get_template("_macros/forms.html").module.choice_input
        radios = [f for f in form if hasattr(f, "option_widget")]
        assert len(radios) >= 6
        for field in radios:
            assert ([str(macro(o)) for o in choice_options(field)]
                    == [str(o()) for o in field]), field.name
        assert any(o.checked for o in choice_options(form.outcome))


def test_choice_chips_write_what_the_macro_writes_per_option(app):
    """choice_chips (a chip group written in Python) is the choice_input macro's markup in each
    chip, tricky values and labels, checked and required included."""
    from markupsafe import escape

    from graded_exposure.views.form_inputs import choice_chips

    class Tricky(Choices):
        labelled = RadioField("Labels", choices=[SelectChoice("x", 'Say "hi" & <wave>')])

    form = Tricky(MultiDict([("required_radio", 'a "quoted" & <odd> value'), ("boxes", "2"),
                             ("labelled", "x")]))
    macro = app.jinja_env.get_template("_macros/forms.html").module.choice_input
    for field in form:
        expected = "".join(f'<li><label class="chip">{macro(option)}<span>'
                           f"{escape(option.label.text)}</span></label></li>" for option in field)
        assert str(choice_chips(field)) == expected, field.name
    assert "&lt;wave&gt;" in str(choice_chips(form.labelled))
