"""The wording rule (README, "Clinical defaults and wording"): what the app says about a child's
behaviour describes what happened and what to try, never a verdict on the child or the family.

Every string the rules and services write, and every template's visible text, is read for
verdict words. Input-validation messages ("this value is refused") and technical ones ("a login failed") are
not about a child and are not matched: the patterns name behaviour ("refused to", "failed the
step").
"""
import ast
import re
from pathlib import Path

import pytest

from graded_exposure.config import ROOT

VERDICTS = re.compile(
    r"\b(failed (?:the|a|at|to|again)|fails (?:to|at)|failure to|keeps failing|"
    r"refus(?:ed|es|ing) to|refused school|lazy|naughty|defiant|defiance|stubborn|"
    r"manipulat\w*|non-?complian\w*|attention[- ]seeking|gave up|"
    r"won.t try|bad (?:child|kid|behaviou?r)|disobe\w*|oppositional|misbehav\w*)\b",
    re.IGNORECASE)

PACKAGE = ROOT / "graded_exposure"
SPOKEN = [*sorted((PACKAGE / "rules").glob("*.py")), *sorted((PACKAGE / "services").glob("*.py")),
          PACKAGE / "vocabulary.py"]
TEMPLATES = sorted((ROOT / "templates").rglob("*.html")) + sorted((ROOT / "templates").rglob("*.txt"))


def _strings(path: Path) -> list[str]:
    """The string literals of a module that are not docstrings (what it can show or send)."""
    tree = ast.parse(path.read_text())
    docstrings = {id(node.body[0].value) for node in ast.walk(tree)
                  if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef)
                  and node.body and isinstance(node.body[0], ast.Expr)
                  and isinstance(node.body[0].value, ast.Constant)}
    return [node.value for node in ast.walk(tree)
            if isinstance(node, ast.Constant) and isinstance(node.value, str)
            and id(node) not in docstrings]


def _visible_text(path: Path) -> str:
    """A template without its Jinja comments and tags: the words a person reads."""
    text = re.sub(r"\{#.*?#\}", " ", path.read_text(), flags=re.S)
    return re.sub(r"\{%.*?%\}", " ", text, flags=re.S)


@pytest.mark.parametrize("path", SPOKEN, ids=lambda p: p.name)
def test_what_rules_and_services_say_holds_no_verdict(path):
    found = [s for s in _strings(path) if VERDICTS.search(s)]
    assert not found, f"{path.name}: {found}"


@pytest.mark.parametrize("path", TEMPLATES, ids=lambda p: str(p.relative_to(ROOT / "templates")))
def test_what_pages_and_emails_say_holds_no_verdict(path):
    found = VERDICTS.findall(_visible_text(path))
    assert not found, f"{path}: {found}"


@pytest.mark.parametrize("sentence", [
    "Mia failed the step", "Sam refused to go to school", "He is being defiant",
    "non-compliant with homework", "attention-seeking behaviour", "a bad child",
])
def test_the_patterns_catch_verdicts(sentence):
    assert VERDICTS.search(sentence)


@pytest.mark.parametrize("sentence", [
    "Mia needed more time with this step this week", "School was hard to face on 3 days",
    "This value is refused: enter 0 to 10.", "It does not mean the plan is failing.",
])
def test_the_patterns_leave_plain_descriptions_alone(sentence):
    assert not VERDICTS.search(sentence)
