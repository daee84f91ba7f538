"""The practice form as a browser fills it in: read its defaults, open it, submit it with taps."""
from html.parser import HTMLParser


class _FormDefaults(HTMLParser):
    """Collect what a browser would submit from the practice form if nobody touched it."""

    def __init__(self):
        super().__init__()
        self.values: list[tuple[str, str]] = []
        self.fields: set[str] = set()
        self._in_form = self._done = False
        self._select = self._textarea = None
        self._first_option = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "form" and "practice-form" in (a.get("class") or "") and not self._done:
            self._in_form = True
        if not self._in_form:
            return
        name = a.get("name")
        if name:
            self.fields.add(name)
        if tag == "input" and name:
            kind = a.get("type", "text")
            if kind in ("radio", "checkbox"):
                if "checked" in a:
                    self.values.append((name, a.get("value", "on")))
            elif kind != "submit":
                self.values.append((name, a.get("value", "")))
        elif tag == "select":
            self._select, self._first_option = name, None
        elif tag == "option" and self._select:
            if self._first_option is None:
                self._first_option = a.get("value")
            if "selected" in a:
                self.values.append((self._select, a.get("value")))
                self._select = None
        elif tag == "textarea":
            self._textarea = name
            self.values.append((name, ""))

    def handle_data(self, data):
        if self._textarea:  # a textarea sends its text (the parser has unescaped it)
            name, text = self.values[-1]
            self.values[-1] = (name, text + data)

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            self.values.append((self._select, self._first_option))
            self._select = None
        elif tag == "textarea" and self._textarea:
            # As in a browser: a newline just after <textarea> is not part of the text.
            name, text = self.values[-1]
            self.values[-1] = (name, text.removeprefix("\r").removeprefix("\n"))
            self._textarea = None
        elif tag == "form" and self._in_form:
            self._in_form, self._done = False, True


def form_defaults(html: str) -> _FormDefaults:
    """Parse the practice form in the page."""
    parser = _FormDefaults()
    parser.feed(html)
    return parser


def open_form(family, step):
    """Open the practice form the way the home screen's button does."""
    response = family.client.get(f"/children/{family.child.id}/practices/new?step={step.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def submit(family, html, **taps):
    """Submit the form as rendered, plus the given taps (field=value)."""
    data: dict[str, list[str]] = {}
    for name, value in form_defaults(html).values:
        data.setdefault(name, []).append(value)
    data.update({name: [str(v)] for name, v in taps.items()})
    return family.client.post(f"/children/{family.child.id}/practices", data=data)
