"""Templates import their macros from Jinja's cached module, found without a set difference.

Every `{% from "_macros/forms.html" import field %}` asks the macro template for its module.
Jinja makes a new module when the importing page has globals the macro template lacks, and
finds out with `ctx.globals_keys - self.globals.keys()`: a set against a ChainMap's keys,
which Python answers one key at a time (about 15 µs an import; the ladder page makes six, the
therapist's child page more: 2 % of each in-process). A template with no globals of its own
(ours have none) has exactly the environment's, so a C-level `issubset` of the environment's
globals gives the same answer in a microsecond. Anything else goes to Jinja unchanged.

Hand-written because Jinja has no setting for it; `Environment.template_class` is Jinja's own
place for a Template subclass. tests/test_macro_imports.py pins the private method used.
"""
from flask import Flask
from jinja2 import Template


class MacroImportingTemplate(Template):
    """Jinja's Template, deciding quickly when an import can reuse the cached module."""

    def _get_default_module(self, ctx=None):
        if (ctx is not None and not self.globals.maps[0]
                and ctx.globals_keys.issubset(self.environment.globals)):
            ctx = None  # no globals beyond the environment's: the cached module, as Jinja would
        return super()._get_default_module(ctx)


def init_app(app: Flask) -> None:
    """Make every template the app loads a MacroImportingTemplate."""
    app.jinja_env.template_class = MacroImportingTemplate
