"""Email templates: rendered outside any request, each file read once per process."""
import os

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
