"""CRISIS_LINES: parsed with validation (a bad value stops the app starting), chosen by locale."""
import pytest

from graded_exposure import create_app
from graded_exposure.config import (
    SAFE_CRISIS_LINE,
    CrisisLine,
    crisis_line_for,
    parse_crisis_lines,
)

GOOD = ("en-GB=999|Call 999 or go to A&E; en-US=988|Call or text 988 (Suicide & Crisis "
        "Lifeline), or 911 in an emergency")


def test_good_lines_are_parsed_per_locale():
    lines = parse_crisis_lines(GOOD)
    assert lines["en-GB"] == CrisisLine("999", "Call 999 or go to A&E")
    assert lines["en-US"].number == "988"
    assert "911" in lines["en-US"].text


def test_unset_means_no_lines_and_the_safe_default_without_a_number():
    assert parse_crisis_lines("") == {}
    line = crisis_line_for({}, "en-GB")
    assert line is SAFE_CRISIS_LINE and line.number == ""
    assert "local emergency number" in line.text


def test_the_line_is_chosen_by_locale_and_an_unknown_one_gets_the_safe_default():
    lines = parse_crisis_lines(GOOD)
    assert crisis_line_for(lines, "en-US").number == "988"
    assert crisis_line_for(lines, None) is SAFE_CRISIS_LINE
    assert crisis_line_for(lines, "fr-FR") is SAFE_CRISIS_LINE


@pytest.mark.parametrize("value, words", [
    ("en-GB:999|Call 999", "locale=number|text"),
    ("en-GB=999 Call 999", "locale=number|text"),
    ("english=999|Call 999", "locale must look like"),
    ("en-GB=nine|Call 999", "number must be digits"),
    ("en-GB=999|", "1 to 200 characters"),
    ("en-GB=999|" + "x" * 201, "1 to 200 characters"),
    ("en-GB=999|Call 999;en-GB=112|Call 112", "listed twice"),
])
def test_bad_values_are_refused_with_a_message_naming_the_entry(value, words):
    with pytest.raises(ValueError, match="CRISIS_LINES entry") as refused:
        parse_crisis_lines(value)
    assert words in str(refused.value)


def test_a_bad_value_stops_the_app_starting(monkeypatch, tmp_path):
    monkeypatch.setenv("CRISIS_LINES", "en-GB=nine|Call 999")
    with pytest.raises(ValueError, match="number must be digits"):
        create_app()
