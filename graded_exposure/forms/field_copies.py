"""A form's declared fields bound by copying a model field, not by building each one anew.

WTForms builds every field of every form it makes (UnboundField.bind: the field's __init__, its
Label and Flags, its validators checked): 150 us of the 20-field practice form, 7 % of logging
a practice, and the therapist's child page builds five forms it only shows. What a field's
__init__ makes depends only on its declaration, its name and prefix and the translations, so
the first form of a class keeps each bound field's attributes as a model, and later forms copy
them. The containers a field owns (label, flags, render_kw, choices) are copied too, so no form
changes another's, and the field is tied to its own form and meta.

Only fields declared on the form's class are copied (the class holds their UnboundField, which
keys the model, weakly): the CSRF field and anything made per form are built as WTForms does.
tests/forms/test_field_copies.py compares every form's copied fields with built ones.
"""
import copy
from weakref import WeakKeyDictionary

from wtforms.fields.core import Flags, Label, UnboundField

from .words import OUR_WORDS

_OWN = "_form", "meta"  # what ties a bound field to its form: set for each copy
_OPTIONS = frozenset({"name", "prefix", "translations"})  # what BaseForm passes to bind_field
_MODELS: WeakKeyDictionary[UnboundField, dict[str, tuple[dict, tuple]]] = WeakKeyDictionary()


def bind_field(form, unbound: UnboundField, options: dict):
    """Meta.bind_field: a copy of the model field when there is one to copy, else WTForms'."""
    if not (options.keys() == _OPTIONS and options["translations"] is OUR_WORDS
            and getattr(type(form), options["name"], None) is unbound):
        return unbound.bind(form=form, **options)
    models = _MODELS.get(unbound)  # get, not setdefault: that makes a weak reference each call
    if models is None:
        models = _MODELS[unbound] = {}
    model = models.get(options["prefix"])
    if model is None:
        field = unbound.bind(form=form, **options)
        models[options["prefix"]] = _model_of(field)
        return field
    attributes, owned = model
    field = object.__new__(unbound.field_class)
    field.__dict__.update(attributes)
    for name, copier in owned:
        setattr(field, name, copier(attributes[name]))
    field._form = form
    field.meta = form.meta
    return field


def _model_of(field) -> tuple[dict, tuple]:
    attributes = {name: value for name, value in vars(field).items() if name not in _OWN}
    owned = tuple((name, _COPIERS[type(value)]) for name, value in attributes.items()
                  if type(value) in _COPIERS)
    return attributes, owned


def _copied_flags(flags: Flags) -> Flags:
    copied = Flags()
    vars(copied).update(vars(flags))
    return copied


_COPIERS = {list: list.copy, dict: dict.copy, set: set.copy, Flags: _copied_flags,
            Label: copy.copy}
