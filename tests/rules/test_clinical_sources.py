"""Every clinical default has a source, its stated value is the code's, and the document is current."""
from datetime import timedelta
from importlib import import_module

import pytest

from graded_exposure.rules import clinical_sources
from graded_exposure.rules.clinical_sources import (
    CLINICAL_MODULES,
    DEFAULTS,
    SOURCES,
    TECHNICAL,
    Default,
    value_of,
)
from tools import clinical_doc


def _is_threshold(value) -> bool:
    """A number, a duration, or a tuple of them or of things rated on a scale (the faces)."""
    if isinstance(value, bool | int | float | timedelta):
        return True
    return isinstance(value, tuple) and bool(value) and all(
        isinstance(v, int | float | timedelta) or hasattr(v, "fear") for v in value)


def _thresholds(module_name: str) -> set[str]:
    module = import_module(f"graded_exposure.rules.{module_name}")
    return {f"{module_name}.{name}" for name, value in vars(module).items()
            if name.isupper() and not name.startswith("_") and _is_threshold(value)}


@pytest.mark.parametrize("module_name", CLINICAL_MODULES)
def test_every_threshold_of_a_clinical_module_has_an_entry(module_name):
    covered = {d.name for d in DEFAULTS} | set(TECHNICAL)
    missing = _thresholds(module_name) - covered
    assert not missing, f"add these to rules/clinical_sources.py (DEFAULTS or TECHNICAL): {missing}"


@pytest.mark.parametrize("module_name", CLINICAL_MODULES)
def test_each_clinical_module_points_to_the_document(module_name):
    module = import_module(f"graded_exposure.rules.{module_name}")
    assert "docs/clinical.md" in module.__doc__


def test_the_check_catches_a_new_threshold(monkeypatch):
    flags = import_module("graded_exposure.rules.flags")
    monkeypatch.setattr(flags, "NEW_UNSOURCED_DAYS", 9, raising=False)
    assert "flags.NEW_UNSOURCED_DAYS" in _thresholds("flags")
    with pytest.raises(AssertionError, match="NEW_UNSOURCED_DAYS"):
        test_every_threshold_of_a_clinical_module_has_an_entry("flags")


@pytest.mark.parametrize("default", DEFAULTS, ids=lambda d: d.name)
def test_each_entry_names_real_code_and_known_sources(default):
    assert value_of(default.name) is not None
    assert default.sources and set(default.sources) <= set(SOURCES)
    assert default.meaning and default.plain_text
    assert "{" not in default.plain_text  # every placeholder filled


def test_entries_name_each_piece_of_code_once():
    names = [d.name for d in DEFAULTS]
    assert len(names) == len(set(names))
    assert not set(names) & set(TECHNICAL)


def test_the_family_words_state_the_number_the_code_uses(monkeypatch):
    flags = import_module("graded_exposure.rules.flags")
    entry = next(d for d in DEFAULTS if d.name == "flags.NO_PRACTICE_DAYS")
    assert str(flags.NO_PRACTICE_DAYS) in entry.plain_text
    monkeypatch.setattr(flags, "NO_PRACTICE_DAYS", 4)
    assert "After 4 days" in entry.plain_text


def test_an_unknown_name_fails_loudly():
    with pytest.raises(AttributeError):
        value_of("flags.NOT_A_THRESHOLD")
    assert Default("flags.FEAR_WINDOW", "m", "p", ("product",)).anchor == "flags-fear-window"


def test_docs_clinical_md_is_current():
    assert clinical_doc.DOC.read_text() == clinical_doc.render(), (
        "docs/clinical.md is out of date: run .venv/bin/python -m tools.clinical_doc")
    assert clinical_sources.__doc__  # the module says where the document comes from


def test_the_family_page_says_each_thing_once_and_keeps_every_anchor():
    entries = clinical_sources.family_page()
    texts = [e.text for e in entries]
    assert len(texts) == len(set(texts))
    assert sorted(a for e in entries for a in e.anchors) == sorted(d.anchor for d in DEFAULTS)
