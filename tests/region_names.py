"""The names a screen reader gives a page's regions (sections and role=region elements named by
aria-labelledby or aria-label), read with the standard library's HTML parser."""
from html.parser import HTMLParser

_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


class _Regions(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.texts: dict[str, list[str]] = {}  # id -> its text, gathered while open
        self.open: list[str | None] = []
        self.named: list[tuple[str, str]] = []  # ("labelledby" or "label", value)

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if tag == "section" or attributes.get("role") == "region":
            if attributes.get("aria-labelledby"):
                self.named.append(("labelledby", attributes["aria-labelledby"]))
            elif attributes.get("aria-label"):
                self.named.append(("label", attributes["aria-label"]))
        if tag in _VOID:
            return
        element_id = attributes.get("id")
        if element_id:
            self.texts.setdefault(element_id, [])
        self.open.append(element_id)

    def handle_endtag(self, tag):
        if tag not in _VOID and self.open:
            self.open.pop()

    def handle_data(self, data):
        for element_id in self.open:
            if element_id:
                self.texts[element_id].append(data)


def region_names(html: str) -> list[str]:
    """Every named region's name, in page order."""
    parser = _Regions()
    parser.feed(html)
    text = {k: " ".join("".join(v).split()) for k, v in parser.texts.items()}
    return [" ".join(text.get(i, "") for i in value.split()) if kind == "labelledby" else value
            for kind, value in parser.named]


def repeated_names(html: str) -> list[str]:
    """Names two or more regions share."""
    names = region_names(html)
    return sorted({name for name in names if names.count(name) > 1})
