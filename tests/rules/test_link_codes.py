"""Link codes: 40 random bits in 8 unambiguous characters, forgiving when typed back."""
import math

import pytest

from graded_exposure.rules import link_codes


def test_a_code_has_eight_characters_from_the_alphabet_and_40_bits():
    code = link_codes.new_code()
    assert len(code) == 8 and set(code) <= set(link_codes.ALPHABET)
    assert math.log2(len(link_codes.ALPHABET)) * link_codes.LENGTH >= 40
    assert not set("ILOU") & set(link_codes.ALPHABET)


def test_codes_differ():
    assert len({link_codes.new_code() for _ in range(200)}) == 200


@pytest.mark.parametrize("typed, stored", [
    ("ABCD-2345", "ABCD2345"), (" abcd 2345 ", "ABCD2345"), ("ABCD-23O5", "ABCD2305"),
    ("iLcd2345", "11CD2345")])
def test_typed_codes_are_normalised(typed, stored):
    assert link_codes.normalise_code(typed) == stored


@pytest.mark.parametrize("typed", ["", "ABC", "ABCD23456", "ABCD-234U", "ABCD-23!5", "ÄBCD2345"])
def test_impossible_codes_are_refused(typed):
    assert link_codes.normalise_code(typed) is None


def test_display_splits_into_two_groups():
    assert link_codes.display_code("ABCD2345") == "ABCD-2345"
