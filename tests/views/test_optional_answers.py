"""The practice form's optional answers can be taken back: a chip tapped by mistake on a phone,
or a place recorded on a practice that was somewhere else, is undone with "Not noted".

Radios cannot be unticked in a browser, so each optional group offers its own "nothing" choice
(the value ""), ticked while nothing is chosen. A peak not noted is the higher of before and
after, as when it was skipped."""
import re

import pytest
from sqlmodel import select

from graded_exposure.models import Practice
from tests.factories import current_step, make_ladder
from tests.practice_form import form_defaults, open_form, submit

OPTIONAL = ("fear_peak", "expected_likelihood", "prediction_came_true", "outcome_badness",
            "context_where", "context_with", "context_time")
CHOSEN = {"fear_peak": "8", "prediction": "They will laugh", "expected_likelihood": "75",
          "prediction_came_true": "partly", "outcome_badness": "25", "context_where": "school",
          "context_with": "friend", "context_time": "morning"}


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def _not_noted(html: str, name: str) -> re.Match | None:
    """The group's "Not noted" radio: its input, then its words."""
    return re.search(rf'<input( checked)?[^>]*name="{name}"[^>]*type="radio" value="">'
                     r"<span>Not noted</span>", html)


@pytest.mark.parametrize("name", OPTIONAL)
def test_a_new_form_ticks_not_noted_in_each_optional_group(family, step, name):
    found = _not_noted(open_form(family, step), name)
    assert found is not None and found.group(1) == " checked"


def test_the_required_groups_have_no_way_out(family, step):
    html = open_form(family, step)
    for name in ("fear_before", "fear_after", "outcome"):
        assert not re.search(rf'name="{name}"[^>]*value=""', html), name


def test_a_form_sent_as_it_came_records_none_of_them(db, family, step):
    assert submit(family, open_form(family, step), fear_before=6, fear_after=3).status_code == 303
    p = db.exec(select(Practice)).one()
    assert (p.fear_peak, p.expected_likelihood, p.prediction_came_true, p.outcome_badness,
            p.context_where, p.context_with, p.context_time) == (6, None, "", None, "", "", "")


def _with_every_answer(db, family, step) -> Practice:
    response = submit(family, open_form(family, step), fear_before=6, fear_after=3, **CHOSEN)
    assert response.status_code == 303
    return db.exec(select(Practice)).one()


def test_the_edit_form_shows_the_answers_with_not_noted_unticked(db, family, step):
    practice = _with_every_answer(db, family, step)
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    for name in OPTIONAL:
        found = _not_noted(html, name)
        assert found is not None and found.group(1) is None, name
    assert 'name="fear_peak" value="8" checked' in html


def test_not_noted_takes_each_answer_back_on_edit(db, family, step):
    practice = _with_every_answer(db, family, step)
    url = f"/practices/{practice.id}/edit"
    data = dict(form_defaults(family.client.get(url).get_data(as_text=True)).values)
    assert {name: data[name] for name in OPTIONAL} == {name: CHOSEN[name] for name in OPTIONAL}
    data.update(dict.fromkeys(OPTIONAL, ""))
    assert family.client.post(url, data=data).status_code == 303
    db.expire_all()
    p = db.get(Practice, practice.id)
    assert (p.fear_peak, p.expected_likelihood, p.prediction_came_true, p.outcome_badness,
            p.context_where, p.context_with, p.context_time) == (6, None, "", None, "", "", "")
    assert (p.fear_before, p.fear_after, p.prediction) == (6, 3, "They will laugh")
