"""Every email's words live in templates/email/; this renders them, inside a request or not.

Each kind has `<kind>.subject.txt`, `<kind>.txt` and `<kind>.html`. HTML is autoescaped, the
text parts are not. The environment is Flask-free so that the scheduler, which sends reminder
emails outside any request, renders them the same way the views do.
"""
from dataclasses import dataclass
from functools import cache

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape

from .config import ROOT


@dataclass(frozen=True)
class RenderedEmail:
    subject: str
    text: str
    html: str


@cache
def _environment() -> Environment:
    # Templates are read once per process, as Flask reads its own outside debug mode: checking
    # each file for changes on every render was half the cost of rendering a reminder email
    # (80 of 170 µs), paid for every email the outbox sends. Restart to see an edited template.
    return Environment(loader=FileSystemLoader(ROOT / "templates"), undefined=StrictUndefined,
                       autoescape=select_autoescape(["html"]), keep_trailing_newline=True,
                       auto_reload=False)


def render_email(kind: str, **context) -> RenderedEmail:
    """Render one kind of email (subject, plain text and HTML) with the given words and links."""
    env = _environment()
    return RenderedEmail(
        subject=env.get_template(f"email/{kind}.subject.txt").render(**context).strip(),
        text=env.get_template(f"email/{kind}.txt").render(**context),
        html=env.get_template(f"email/{kind}.html").render(**context))
