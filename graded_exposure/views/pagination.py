"""Which page of a list the URL asks for (?page=, or another name where a page has two lists)."""
from flask import request


def requested_page(name: str = "page") -> int:
    """Return the page number in ?<name>=, or 1 for anything but a small whole number."""
    value = request.args.get(name, "1")
    return int(value) if value.isdecimal() and len(value) < 6 else 1
