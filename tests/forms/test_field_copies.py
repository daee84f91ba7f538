"""Fields bound by copying a model (forms/field_copies.py) are the fields WTForms would build:
every field of every form in the app, built a second time (a copy), equals the same field built
by WTForms, and no form's copy shares what a form may change with another form's."""
import pytest
from werkzeug.datastructures import MultiDict
from wtforms import Form, StringField
from wtforms.fields.core import Flags, Label, UnboundField

from graded_exposure.forms import field_copies
from graded_exposure.forms.ladders import StepForm
from graded_exposure.forms.practices import LogPracticeForm
from tests.views.test_form_inputs import ODD, _all_forms, _built

_TIED = {"_form", "meta", "csrf_impl"}  # what belongs to each form


def _built_by_wtforms(form_class, formdata, monkeypatch):
    with monkeypatch.context() as patched:
        patched.setattr(field_copies, "bind_field",
                        lambda form, unbound, options: unbound.bind(form=form, **options))
        return _built(form_class, formdata)


def _comparable(value):
    if isinstance(value, Label):
        return "Label", value.field_id, value.text
    if isinstance(value, Flags):
        return "Flags", vars(value)
    return value


def _attributes(field) -> dict:
    # A default made afresh for each form (the idempotency key) differs, as it should.
    fresh = {"data", "object_data"} if callable(field.default) else set()
    return {name: _comparable(value) for name, value in vars(field).items()
            if name not in _TIED | fresh}


@pytest.mark.parametrize("values", ["none", "odd"])
def test_every_copied_field_equals_the_field_wtforms_builds(app, monkeypatch, values):
    forms = _all_forms()
    copied = 0
    with app.test_request_context("/", method="POST"):
        for form_class in forms:
            names = [field.name for field in _built(form_class, None)]  # makes the models
            formdata = None if values == "none" else MultiDict([(n, ODD) for n in names])
            ours = _built(form_class, formdata)
            theirs = _built_by_wtforms(form_class, formdata, monkeypatch)
            assert [f.name for f in ours] == [f.name for f in theirs], form_class
            for mine, built in zip(ours, theirs, strict=True):
                assert type(mine) is type(built)
                assert _attributes(mine) == _attributes(built), (form_class, mine.name)
                assert mine._form is ours and mine.meta is ours.meta
                assert getattr(mine, "csrf_impl", ours._csrf) is ours._csrf
                copied += getattr(form_class, mine.short_name, None) in field_copies._MODELS
    assert copied > 100


def test_a_copy_owns_what_a_form_may_change(app):
    with app.test_request_context("/", method="POST"):
        first, second = LogPracticeForm(formdata=None), LogPracticeForm(formdata=None)
        first.outcome.choices.append(("extra", "Extra"))
        first.note.label.text = "Changed"
        first.note.flags.required = True
        first.step.render_kw = {"data-x": "1"}
        third = LogPracticeForm(formdata=None)
    for later in (second, third):
        assert ("extra", "Extra") not in later.outcome.choices
        assert later.note.label.text == "Note"
        assert not later.note.flags.required
        assert later.step.render_kw is None
    assert second.note is not first.note and second.note.label is not first.note.label
    assert len({first.idempotency_key.data, second.idempotency_key.data,
                third.idempotency_key.data}) == 3


def test_posted_data_and_errors_stay_with_their_form(app):
    with app.test_request_context("/", method="POST"):
        refused = LogPracticeForm(formdata=MultiDict({"fear_before": "11", "step": "x"}))
        refused.validate()
        fine = LogPracticeForm(formdata=MultiDict({"fear_before": "4", "fear_after": "2",
                                                    "step": "3", "outcome": "did_it"}))
        fine.validate()
    assert refused.fear_before.errors and not fine.fear_before.errors
    assert (refused.fear_before.data, fine.fear_before.data) == (11, 4)
    assert fine.step.data == 3 and refused.step.errors


def test_a_second_form_builds_only_its_csrf_field(app, monkeypatch):
    # The CSRF field is made for each form (its UnboundField new each time): never a model.
    built, bind = [], UnboundField.bind
    monkeypatch.setattr(UnboundField, "bind",
                        lambda self, *args, **kw: built.append(kw["name"]) or bind(self, *args, **kw))
    with app.test_request_context("/", method="POST"):
        StepForm(formdata=None)
        built.clear()
        StepForm(formdata=None)
    assert built == ["csrf_token"]


def test_forms_outside_the_app_base_are_left_to_wtforms():
    class Plain(Form):
        name = StringField("Name")

    Plain(), Plain()
    assert Plain.name not in field_copies._MODELS
