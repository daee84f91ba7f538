"""Filters that tidy typed text as a form reads it: one line for names and titles, clean notes.

A name or title with a line break in it ends up in email subjects, push payloads and CSV
cells, and NUL or other control characters break exports. So a single-line field turns each
run of whitespace or control characters (C0, DEL, C1, U+2028, U+2029) into one space; a
multi-line field keeps its lines (as plain "\\n") and tabs but drops every other control.
Both trim the ends, so lengths match what the person meant to type.
"""
import re

_SPACE_OR_CONTROL_RUN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029]")
_CONTROL_BUT_NEWLINE_OR_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


def single_line(value):
    """Collapse whitespace and control characters to single spaces and trim the ends."""
    if not isinstance(value, str):
        return value
    return _SPACE_OR_CONTROL_RUN.sub(" ", value).strip()


def multi_line(value):
    """Use plain newlines, drop control characters other than newline and tab, and trim."""
    if not isinstance(value, str):
        return value
    return _CONTROL_BUT_NEWLINE_OR_TAB.sub("", _LINE_BREAK.sub("\n", value)).strip()


def single_line_each(values):
    """Apply `single_line` to each item of a multiple-choice field, dropping empty ones."""
    if not isinstance(values, list):
        return values
    return [tidy for tidy in map(single_line, values) if tidy]
