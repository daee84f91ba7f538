"""Filters that tidy typed text as a form reads it: one line for names and titles, clean notes.

A name or title with a line break in it ends up in email subjects, push payloads and CSV
cells, and NUL or other control characters break exports. So a single-line field turns each
run of whitespace or control characters (C0, DEL, C1, U+2028, U+2029) into one space; a
multi-line field keeps its lines (as plain "\\n") and tabs but drops every other control.
Both trim the ends, so lengths match what the person meant to type.

Both also drop characters that show nothing yet change what is shown: zero-width spaces,
joiners that join nothing, fillers, and the direction marks, embeddings, overrides and isolates
(U+202E in a name turned the app's own sentence around it backwards). The zero-width joiner and
non-joiner stay: emoji sequences and Persian need them. Text left with nothing to see (only
marks or joiners) is empty, so a required name or title is asked for again.
"""
import re
import unicodedata

_SPACE_OR_CONTROL_RUN = re.compile(r"[\s\x00-\x1f\x7f-\x9f\u2028\u2029]+")
_LINE_BREAK = re.compile(r"\r\n|[\r\u2028\u2029]")
_CONTROL_BUT_NEWLINE_OR_TAB = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")


_INVISIBLE = re.compile("[\u061c\u115f\u1160\u180e\u200b\u200e\u200f\u202a-\u202e"
                        "\u2060-\u2064\u2066-\u2069\u3164\ufeff\uffa0]")
_SEEN = frozenset("LNPS")  # letters, numbers, punctuation, symbols: what shows on a page


def single_line(value):
    """Collapse whitespace and control characters to single spaces and trim the ends."""
    if not isinstance(value, str):
        return value
    return _visible(_SPACE_OR_CONTROL_RUN.sub(" ", _INVISIBLE.sub("", value)).strip())


def multi_line(value):
    """Use plain newlines, drop control characters other than newline and tab, and trim."""
    if not isinstance(value, str):
        return value
    return _visible(_CONTROL_BUT_NEWLINE_OR_TAB.sub(
        "", _LINE_BREAK.sub("\n", _INVISIBLE.sub("", value))).strip())


def _visible(text: str) -> str:
    return text if any(unicodedata.category(c)[0] in _SEEN for c in text) else ""


def single_line_each(values):
    """Apply `single_line` to each item of a multiple-choice field, dropping empty ones."""
    if not isinstance(values, list):
        return values
    return [tidy for tidy in map(single_line, values) if tidy]
