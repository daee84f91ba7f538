"""A form field's input written out as its WTForms widget renders it, for the `field()` macro.

The same markup as `field(**attributes)`: the same attributes in the same (sorted) order, the
field's render_kw, the validators' flags (required, maxlength...), escaping and all; the tests
in tests/views/test_form_inputs.py hold the two equal for every field of every form. Calling the
widget cost most of a form's render in its generic work (dir() over the field's flags, an
attribute built through Markup.format at a time): a therapist's child page renders seven fields.
Widgets this does not know, or know changed, are called as before.
"""
from typing import NamedTuple

from flask import Flask
from markupsafe import Markup, escape
from wtforms import Field
from wtforms.meta import DefaultMeta
from wtforms.widgets import Input, NumberInput, Select, TextArea
from wtforms.widgets.core import _DateTimeBaseInput, clean_key, html_params

_DATE_LIMITS = {"min", "max"}  # a date input formats these; without them it is a plain input


def input_html(field: Field, **attributes) -> Markup:
    """Return the field's input, select or textarea with these extra attributes."""
    widget, cls = field.widget, type(field.widget)
    if (type(field.meta).render_field is not DefaultMeta.render_field
            or type(field).__call__ is not Field.__call__):  # a field that renders itself
        return field(**attributes)
    # DefaultMeta.render_field: cleaned names, the field's render_kw under these.
    attributes = {clean_key(k): v for k, v in attributes.items()}
    if field.render_kw:
        attributes = {**{clean_key(k): v for k, v in field.render_kw.items()}, **attributes}
    if cls.__call__ is Input.__call__ and cls.html_params is html_params:
        return _input(field, widget, attributes)
    if (cls.__call__ is _DateTimeBaseInput.__call__ and cls.html_params is html_params
            and not _DATE_LIMITS & (attributes.keys() | vars(field.flags).keys())):
        return _input(field, widget, attributes)
    if cls.__call__ is NumberInput.__call__ and cls.html_params is html_params:
        for name in ("step", "min", "max"):
            if getattr(widget, name) is not None:
                attributes.setdefault(name, getattr(widget, name))
        return _input(field, widget, attributes)
    if cls.__call__ is TextArea.__call__:
        attributes.setdefault("id", field.id)
        _add_flags(field, widget, attributes, call=False)
        return Markup(  # noqa: S704 - the attributes and text are escaped
            f"<textarea {_params(name=field.name, **attributes)}>\r\n"
            f"{escape(field._value())}</textarea>")
    if (cls.__call__ is Select.__call__ and not widget.multiple and not field.has_groups()
            and cls.render_option.__func__ is Select.render_option.__func__):
        return _select(field, widget, attributes)
    return field(**attributes)


def _input(field: Field, widget: Input, attributes: dict) -> Markup:
    if getattr(field, "_datalist", None) is not None:
        return field(**attributes)
    attributes.setdefault("id", field.id)
    attributes.setdefault("type", widget.input_type)
    if "value" not in attributes:
        attributes["value"] = field._value()
    _add_flags(field, widget, attributes, call=True)
    return Markup(f"<input {_params(name=field.name, **attributes)}>")  # noqa: S704 - escaped


def _select(field: Field, widget: Select, attributes: dict) -> Markup:
    attributes.setdefault("id", field.id)
    _add_flags(field, widget, attributes, call=False)
    html = [f"<select {_params(name=field.name, **attributes)}>"]
    for choice in field._iter_choices_normalized():
        value = str(choice.value) if isinstance(choice.value, bool) else choice.value
        option = {"value": value, **(choice.render_kw or {})}
        if choice.selected:
            option["selected"] = True
        html.append(f"<option {_params(**option)}>{escape(choice.label or choice.value)}"
                    f"</option>")
    html.append("</select>")
    return Markup("".join(html))  # noqa: S704 - attributes and labels are escaped


class OptionLabel(NamedTuple):
    text: object


class ChoiceOption(NamedTuple):
    """One radio or checkbox of a choice field, with what the `choice_input` macro reads of the
    subfield WTForms would build for it (iterating a field binds and processes a whole Field
    per option: a quarter of the practice form's render for its 37 options)."""

    id: str
    name: str
    data: object
    checked: bool
    label: OptionLabel
    flags: object  # the field's own flags (required...)
    widget: object  # the field's option widget (its input_type)


def choice_options(field: Field) -> list[ChoiceOption]:
    """The options of a RadioField or a checkbox SelectMultipleField, as iterating it yields
    them: ids `<field id>-<n>`, the label or else the value, checked when chosen."""
    return [ChoiceOption(f"{field.id}-{n}", field.name, choice.value, choice.selected,
                         OptionLabel(choice.label or choice.value), field.flags,
                         field.option_widget)
            for n, choice in enumerate(field._iter_choices_normalized())]


def choice_chips(field: Field) -> Markup:
    """A choice field's options as the chip list items the `option_chips` macro writes: each a
    label around its input (as `choice_input` writes it) and its words. Written here, not by a
    macro per option: a macro call per option was most of a chip group's render."""
    return Markup("".join(  # noqa: S704 - every value is escaped
        f'<li><label class="chip">{_choice_input(option)}<span>{escape(option.label.text)}'
        f"</span></label></li>" for option in choice_options(field)))


def _choice_input(option: ChoiceOption) -> str:
    checked = " checked" if option.checked else ""
    required = " required" if option.flags.required else ""
    return (f'<input{checked} id="{escape(option.id)}" name="{escape(option.name)}"{required} '
            f'type="{escape(option.widget.input_type)}" value="{escape(option.data)}">')


def _add_flags(field: Field, widget, attributes: dict, *, call: bool) -> None:
    """The validators' flags the widget writes as attributes (WTForms reads them through
    dir(); the flags set on a field are its own attributes)."""
    flags = vars(field.flags)
    for name in widget.validation_attrs:
        if name in flags and name not in attributes:
            value = flags[name]
            attributes[name] = value() if call and callable(value) else value


def _params(**attributes) -> str:
    """wtforms.widgets.html_params, written out: sorted names; True alone, False left out."""
    params = []
    for name, value in sorted(attributes.items()):
        name = clean_key(name)
        if value is True:
            params.append(escape(name))
        elif value is not False:
            # str() first: Markup.replace would escape its arguments.
            params.append(f'{escape(name)}="{str(escape(value)).replace(chr(34), "&quot;")}"')
    return " ".join(params)


def init_app(app: Flask) -> None:
    """Offer input_html and choice_chips to every template (macros imported without context
    included)."""
    app.add_template_global(input_html)
    app.add_template_global(choice_chips)
