"""Only same-site paths survive as a redirect target after login."""
import pytest

from graded_exposure.rules.safe_redirect import safe_next_path
from tests.hostile_input import REDIRECT_BYPASSES, SAME_SITE_NEXT


@pytest.mark.parametrize("raw", [*REDIRECT_BYPASSES, None])
def test_bypass_forms_get_the_default(raw):
    assert safe_next_path(raw, "/home") == "/home"


@pytest.mark.parametrize("raw", [*SAME_SITE_NEXT, "/home?", "/reminders?child_id=2&x=%3D"])
def test_same_site_paths_are_kept(raw):
    assert safe_next_path(raw, "/home") == raw


@pytest.mark.parametrize("raw", ["/%2F", "/a%5Cb", "/%252F", "/a%20b", "/a%0Ab", "/%C0%AF"])
def test_what_decodes_to_something_unsafe_gets_the_default(raw):
    assert safe_next_path(raw, "/") == "/"


def test_endless_encoding_gets_the_default():
    assert safe_next_path("/a%2525252525252541", "/") == "/"
