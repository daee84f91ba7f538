"""Where to send someone after logging in: a path on this site, or the default.

Browsers forgive a lot in a URL. They drop tabs and newlines, read a backslash as a slash,
take `//host` as another site, and some servers or proxies decode percent-escapes again. So
rather than list what is dangerous, a target passes only when it plainly is a local path:
printable ASCII from a small set, exactly one leading slash, no scheme and no host, and the
same holds after each round of percent-decoding (for `%2F`, `%5C` and double encoding).
Anything else (control characters, spaces, look-alike Unicode slashes, overlong UTF-8) gets
the default.
"""
import string
from urllib.parse import unquote, urlsplit

MAX_LENGTH = 2048
# Unreserved and sub-delimiter characters of RFC 3986, plus what paths and queries need.
# No backslash, whitespace, control characters, quotes, angle brackets or "#".
PATH_CHARACTERS = frozenset(string.ascii_letters + string.digits + "-._~/?=&%+,;:@!$*()'")
MAX_DECODING_ROUNDS = 4


def _is_local_path(text: str) -> bool:
    """True when the text is a path on this site, as it stands."""
    if not text.startswith("/") or text[1:2] in ("/", "\\"):
        return False
    if not set(text) <= PATH_CHARACTERS:
        return False
    parts = urlsplit(text)
    return not parts.scheme and not parts.netloc


def safe_next_path(raw: str | None, default: str) -> str:
    """Return `raw` if it is a same-site path at every level of decoding, else `default`."""
    if not raw or len(raw) > MAX_LENGTH:
        return default
    layer = raw
    for _ in range(MAX_DECODING_ROUNDS):
        if not _is_local_path(layer):
            return default
        decoded = unquote(layer, errors="replace")
        if decoded == layer:
            return raw
        layer = decoded
    return default  # still decoding after several rounds: nobody sends that honestly
