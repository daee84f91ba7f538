"""macro_imports.py: a macro import reuses Jinja's cached module exactly when Jinja would."""
from jinja2 import DictLoader, Environment

from graded_exposure.macro_imports import MacroImportingTemplate

MACROS = "{% macro hello(name) %}Hello {{ name }}{% if shout is defined %}!{% endif %}{% endmacro %}"
PAGE = '{% from "macros.html" import hello %}{{ hello(who) }}'


def _environment() -> Environment:
    env = Environment(loader=DictLoader({"macros.html": MACROS, "page.html": PAGE}),
                      autoescape=True)
    env.template_class = MacroImportingTemplate
    return env


def test_the_app_loads_every_template_as_a_macro_importing_one(app):
    with app.app_context():
        template = app.jinja_env.get_template("base.html")
    assert isinstance(template, MacroImportingTemplate)


def test_an_import_with_only_the_environments_globals_reuses_the_cached_module():
    env = _environment()
    env.globals["site"] = "Brave Steps"
    page, macros = env.get_template("page.html"), env.get_template("macros.html")
    assert page.render(who="<Mia>") == "Hello &lt;Mia&gt;"
    context = page.new_context({"who": "Mia"})
    assert macros._get_default_module(context) is macros.module


def test_an_import_from_a_page_with_globals_of_its_own_gets_them_as_jinja_gives_them():
    env = _environment()
    page = env.get_template("page.html", globals={"shout": True})
    macros = env.get_template("macros.html")
    context = page.new_context({"who": "Mia"})
    module = macros._get_default_module(context)
    assert module is not macros.module
    assert page.render(who="Mia") == "Hello Mia!"
    # The macro template itself stays as it was for pages without that global.
    assert env.get_template("macros.html").module.hello("Mia") == "Hello Mia"


def test_without_a_context_the_module_is_jinjas_cached_one():
    macros = _environment().get_template("macros.html")
    assert macros._get_default_module() is macros._get_default_module()


def test_jinja_imports_through_the_method_this_overrides():
    # If a Jinja upgrade stopped calling _get_default_module, the override would do nothing.
    calls = []

    class Counting(MacroImportingTemplate):
        def _get_default_module(self, ctx=None):
            calls.append(self.name)
            return super()._get_default_module(ctx)

    env = _environment()
    env.template_class = Counting
    assert env.get_template("page.html").render(who="Mia") == "Hello Mia"
    assert calls == ["macros.html"]
