"""Cutting text to a length the way a reader sees it: whole characters, and "…" where it was cut.

Lengths here count code points (as the database and the forms do), but a reader sees
graphemes: a family emoji is five code points joined, a flag two, an accented letter may be a
letter and a combining mark. A cut between them shows half a character. Without a grapheme
library, this steps back over what cannot start a character of its own: combining marks,
joiners, variation selectors, skin tones and tag characters, the character after a joiner,
and the second half of a flag.
"""
import unicodedata

ELLIPSIS = "…"
_ZWJ = "\u200d"


def shortened(text: str, limit: int) -> str:
    """`text` if it fits in `limit` code points, else its start (whole characters) and "…"."""
    if len(text) <= limit:
        return text
    end = max(0, limit - len(ELLIPSIS))
    while end > 0 and not _starts_a_character(text, end):
        end -= 1
    return text[:end].rstrip() + ELLIPSIS


def _starts_a_character(text: str, i: int) -> bool:
    here, before = text[i], text[i - 1]
    if before == _ZWJ or here == _ZWJ or _extends(here):
        return False
    if _regional(here) and _regional(before):
        # Flags pair up from the start of their run: cut only between two pairs.
        run = i
        while run > 0 and _regional(text[run - 1]):
            run -= 1
        return (i - run) % 2 == 0
    return True


def _extends(char: str) -> bool:
    code = ord(char)
    return (unicodedata.category(char).startswith("M") or 0xFE00 <= code <= 0xFE0F
            or 0x1F3FB <= code <= 0x1F3FF or 0xE0020 <= code <= 0xE007F)


def _regional(char: str) -> bool:
    return 0x1F1E6 <= ord(char) <= 0x1F1FF
