"""CSV cells that a spreadsheet would run as formulas are escaped."""
from datetime import UTC, date, datetime

import pytest

from graded_exposure.rules.csv_cells import safe_cell


@pytest.mark.parametrize("text", ["=1+1", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx",
                                  '=HYPERLINK("http://evil")'])
def test_formula_like_text_gets_an_apostrophe(text):
    assert safe_cell(text) == "'" + text


@pytest.mark.parametrize("value, expected", [
    ("Went to the gate", "Went to the gate"), ("a=b", "a=b"), (3, 3), (-2, -2), (None, ""),
    (True, "yes"), (["deep pressure", "=cmd"], "deep pressure; =cmd"),
    (date(2025, 3, 1), "2025-03-01"),
    (datetime(2025, 3, 1, 9, 30, tzinfo=UTC), "2025-03-01T09:30:00+00:00")])
def test_other_values(value, expected):
    assert safe_cell(value) == expected


def test_a_list_starting_with_a_formula_is_escaped_as_a_whole():
    assert safe_cell(["=cmd", "ok"]) == "'=cmd; ok"
