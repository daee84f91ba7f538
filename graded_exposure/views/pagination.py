"""Which page of a list the URL asks for (?page=)."""
from flask import request


def requested_page() -> int:
    """Return the page number in ?page=, or 1 for anything but a small whole number."""
    value = request.args.get("page", "1")
    return int(value) if value.isdecimal() and len(value) < 6 else 1
