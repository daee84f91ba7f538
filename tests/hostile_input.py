"""Hostile input that several test modules throw at the app: data only, no helpers.

`REDIRECT_BYPASSES` are `next` values (as the app reads them from the query string, i.e.
already URL-decoded once) that try to leave the site or break the redirect.
"""

REDIRECT_BYPASSES = [
    # Browsers drop tabs, newlines and carriage returns: these become //evil.example.
    "/\t/evil.example/",
    "/\n/evil.example",
    "/\r/evil.example",
    "/\r\n/evil.example",
    "\t//evil.example",
    "/ /evil.example",
    " //evil.example",
    # Browsers read a backslash as a slash.
    "/\\evil.example",
    "\\/evil.example",
    "\\\\evil.example",
    "/\\/evil.example",
    # Scheme-relative and extra slashes.
    "//evil.example",
    "///evil.example",
    "////evil.example",
    "//evil.example/%2F..",
    # Percent-encoded slashes and backslashes, once and twice.
    "%2F%2Fevil.example",
    "/%2Fevil.example",
    "/%2F/evil.example",
    "/%09/evil.example",
    "/%0A/evil.example",
    "%5C%5Cevil.example",
    "/%5Cevil.example",
    "/%252F/evil.example",
    "/%25252F%25252Fevil.example",
    # Schemes.
    "http://evil.example",
    "https://evil.example/home",
    "https:evil.example",
    "https:/evil.example",
    "javascript:alert(1)",
    "JaVaScRiPt:alert(1)",
    "data:text/html,<script>alert(1)</script>",
    "mailto:x@evil.example",
    # Unicode look-alikes of the solidus (fullwidth, division slash, fraction slash).
    "/\uff0fevil.example",
    "\uff0f\uff0fevil.example",
    "/\u2215evil.example",
    "/\u2044evil.example",
    "/\u3002evil.example",
    # Overlong UTF-8 encodings of "/".
    "/%C0%AF/evil.example",
    "/%E0%80%AFevil.example",
    "/%C0%AFevil.example",
    # Other odd shapes.
    "@evil.example",
    "evil.example",
    "/home\x00//evil.example",
    "/%00/evil.example",
    "/\x0b/evil.example",
    "/\x0c/evil.example",
    "/\x85/evil.example",
    "/\u2028/evil.example",
    "/" + "a" * 5000,
    "",
]

SAME_SITE_NEXT = [
    "/children/3/ladders?x=1",
    "/family",
    "/children/12/week?start=2026-01-05",
    "/.evil.example",
    "/@evil.example",
]

# Text a spreadsheet would run as a formula if an export left it as it is.
FORMULAS = ["=HYPERLINK(\"http://evil.example\")", "+1+1", "-2+3", "@SUM(A1)", "\tTab", "\rCR"]

# Markup that must come back escaped wherever the app shows what was typed.
SCRIPT = "<script>alert(1)</script>"
