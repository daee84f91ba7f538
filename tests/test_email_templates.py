"""Email templates: rendered outside any request, each file read once per process."""
import os
from itertools import pairwise

from graded_exposure import email_templates
from graded_exposure.config import ROOT

CONTEXT = {"subject": "Time to practise", "opener": "Time to practise.", "title": "Time for Sam's practice", "body": "A step.",
           "link": "http://localhost/children/1", "unsubscribe": "http://localhost/u/t",
           "kind_label": "practice reminders"}


def test_a_template_file_is_read_once_not_checked_on_every_render(monkeypatch):
    first = email_templates.render_email("reminder", **CONTEXT)
    checked = []
    real_stat = os.stat

    def noting_stat(path, *args, **kwargs):
        checked.append(str(path))
        return real_stat(path, *args, **kwargs)

    monkeypatch.setattr(os, "stat", noting_stat)  # watched, not replaced
    again = email_templates.render_email("reminder", **CONTEXT)
    assert again == first
    assert not [path for path in checked if path.startswith(str(ROOT / "templates"))]


EVERY_NAME = {"subject": "S", "opener": "Time to practise.", "title": "T", "body": "B",
              "link": "https://brave.example.org/x", "unsubscribe": "https://brave.example.org/u",
              "kind_label": "practice reminders", "inviter": "Alex",
              "inviter_email": "alex@example.com", "child": "Sam",
              "lifetime": "7 days", "login_link": "https://brave.example.org/login"}


def test_plain_text_keeps_each_paragraph_on_one_line_for_the_phone_to_wrap():
    # A line broken mid-sentence at 90 columns breaks again on a narrow screen, leaving a
    # stub of a line: each paragraph is one line, the reader's mail app wraps it.
    kinds = sorted(path.name.removesuffix(".txt") for path in (ROOT / "templates/email").glob(
        "*.txt") if not path.name.endswith(".subject.txt"))
    assert len(kinds) >= 6
    for kind in kinds:
        lines = email_templates.render_email(kind, **EVERY_NAME).text.splitlines()
        for line, following in pairwise(lines):
            words = following[:1].islower() and not following.startswith("https://")
            assert not (line and words), f"{kind}: {line!r} / {following!r}"
