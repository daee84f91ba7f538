"""Expectancy through HTTP: the prediction's scale on the practice form, what it taught, and
re-rating it days later in one tap."""
import pytest
from sqlmodel import select

from graded_exposure.models import ExpectancyRerating, Practice
from tests.conftest import logged_in_client
from tests.factories import current_step, link, make_ladder, make_therapist
from tests.lookups import practice_count
from tests.practice_form import open_form, submit
from tests.region_names import region_names, repeated_names

LIKELY = {"prediction": "Everyone will laugh at me", "expected_likelihood": 75}


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def _logged(family, step, **taps):
    response = submit(family, open_form(family, step), fear_before=7, fear_after=4, **taps)
    assert response.status_code == 303, response.get_data(as_text=True)
    return family.db.exec(select(Practice).order_by(Practice.id.desc())).first()


def _rerated(db) -> list[ExpectancyRerating]:
    db.expire_all()
    return list(db.exec(select(ExpectancyRerating)))


def test_the_form_offers_both_five_step_scales(family, step):
    html = open_form(family, step)
    assert html.count('name="expected_likelihood"') == 5 + 1  # and "Not noted"
    assert html.count('name="outcome_badness"') == 5 + 1
    assert "It will for sure" in html and "Not bad at all" in html


def test_a_surprise_is_stored_and_celebrated_after_saving(family, step, db):
    practice = _logged(family, step, prediction_came_true="no", **LIKELY)
    assert (practice.expected_likelihood, practice.outcome_badness) == (75, None)
    home = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert "Sam thought it would happen (probably), and it did not." in home
    listed = family.client.get(f"/children/{family.child.id}/practices").get_data(as_text=True)
    assert "That surprise is a win" in listed


def test_how_bad_it_was_is_stored_when_it_happened(family, step):
    practice = _logged(family, step, prediction_came_true="yes", outcome_badness=25, **LIKELY)
    assert practice.outcome_badness == 25


@pytest.mark.parametrize("taps, message", [
    ({"expected_likelihood": "33"}, "Choose how likely it felt from the five steps."),
    ({"expected_likelihood": "lots"}, "Choose how likely it felt from the five steps."),
    ({"outcome_badness": "101"}, "Choose how bad it was from the five steps."),
    ({"prediction_came_true": "no", "outcome_badness": "50"}, "only for when"),
    ({"outcome_badness": "50"}, "only for when"),
])
def test_bad_expectancy_input_is_refused_and_nothing_stored(family, step, db, taps, message):
    response = submit(family, open_form(family, step), fear_before=7, fear_after=4, **taps)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert practice_count(db) == 0


def test_the_edit_form_shows_what_was_chosen(family, step):
    practice = _logged(family, step, prediction_came_true="partly", outcome_badness=50, **LIKELY)
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert 'checked id="expected_likelihood-3" name="expected_likelihood"' in html  # 75 %
    assert 'checked id="outcome_badness-2" name="outcome_badness"' in html  # 50 %


def _rerate_url(family, practice):
    return f"/children/{family.child.id}/practices/{practice.id}/rerate"


def test_the_rerating_page_asks_about_the_prediction(family, step):
    _logged(family, step, **LIKELY)
    html = family.client.get(f"/children/{family.child.id}/rerate").get_data(as_text=True)
    assert "How likely does “Everyone will laugh at me” feel now?" in html
    assert html.count('name="likelihood"') == 5 and "Before: <strong>Probably</strong>" in html


def test_one_tap_rerates_and_a_repeat_changes_nothing_more(family, step, db):
    practice = _logged(family, step, **LIKELY)
    for _ in range(2):
        response = family.post(_rerate_url(family, practice), {"likelihood": "25"})
        assert response.status_code == 303
        assert response.headers["Location"].endswith(f"/rerate#prediction-{practice.id}")
    [row] = _rerated(db)
    assert (row.likelihood, row.rated_by_id) == (25, family.user.id)
    page = family.client.get(f"/children/{family.child.id}/rerate").get_data(as_text=True)
    assert "now it feels “Probably not” (before: “Probably”)" in page
    assert "Now: <strong>Probably not</strong>" in page


@pytest.mark.parametrize("value", ["", "10", "-25", "a lot", "100.0"])
def test_a_bad_rerating_is_refused_with_422_and_nothing_stored(family, step, db, value):
    practice = _logged(family, step, **LIKELY)
    response = family.post(_rerate_url(family, practice), {"likelihood": value})
    assert response.status_code == 422
    assert "Tap how likely it feels now." in response.get_data(as_text=True)
    assert _rerated(db) == []


def test_a_practice_without_a_prediction_is_refused(family, step, db):
    practice = _logged(family, step)
    response = family.post(_rerate_url(family, practice), {"likelihood": "25"})
    assert response.status_code == 422 and _rerated(db) == []


def test_without_csrf_nothing_is_stored(family, step, db):
    practice = _logged(family, step, **LIKELY)
    response = family.client.post(_rerate_url(family, practice), data={"likelihood": "25"})
    assert response.status_code == 400 and _rerated(db) == []


def test_another_family_gets_404_for_the_page_and_the_tap(family, other_family, step, db):
    practice = _logged(family, step, **LIKELY)
    assert other_family.client.get(f"/children/{family.child.id}/rerate").status_code == 404
    assert other_family.post(_rerate_url(family, practice), {"likelihood": "0"}).status_code == 404
    # Their own child id with this practice: still not theirs.
    wrong = f"/children/{other_family.child.id}/practices/{practice.id}/rerate"
    assert other_family.post(wrong, {"likelihood": "0"}).status_code == 404
    assert _rerated(db) == []


def _progress(family, step) -> str:
    response = family.client.get(f"/ladders/{step.ladder_id}/progress")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_progress_chart_shows_expectancy_and_changes_after_a_rerating(family, step, db):
    assert "expectancy-chart" not in _progress(family, step)
    first = _logged(family, step, prediction_came_true="no", **LIKELY)
    _logged(family, step, prediction="They will stare", expected_likelihood=50)
    html = _progress(family, step)
    assert "How likely the feared thing felt for" in html and "first 75 %, latest 50 %" in html
    assert html.count('class="ec-mark"') == 3  # two practices and the legend
    assert "<td>75 %</td><td>–</td>" in html
    family.post(_rerate_url(family, first), {"likelihood": "25"})
    html = _progress(family, step)
    assert html.count('class="ec-rerated"') == 2  # one re-rating and the legend
    assert "<td>75 %</td><td>25 %</td>" in html


def test_the_therapist_sees_the_change_on_the_child_page_and_in_the_summary(app, db, family,
                                                                           step):
    first = _logged(family, step, prediction_came_true="no", **LIKELY)
    _logged(family, step, prediction="They will stare", expected_likelihood=50,
            prediction_came_true="yes", outcome_badness=50)
    family.post(_rerate_url(family, first), {"likelihood": "25"})
    therapist = make_therapist(db)
    link(db, therapist, family.child)
    client = logged_in_client(app, therapist.email)
    page = client.get(f"/therapist/children/{family.child.id}").get_data(as_text=True)
    assert "<td>from 75 % to 50 %</td>" in page and "<td>1 of 2</td>" in page
    summary = client.get(f"/therapist/children/{family.child.id}/summary").get_data(as_text=True)
    assert "Predictions and surprises" in summary and "<td>from 75 % to 50 %</td>" in summary
    assert client.get(f"/children/{family.child.id}/rerate").status_code == 404


def test_two_of_the_same_prediction_are_two_regions_a_screen_reader_tells_apart(family, step):
    # Found from outside (axe, landmark-unique): each question's region was named by the
    # prediction alone, so the same words on two tries gave two regions of one name.
    _logged(family, step, **LIKELY)
    _logged(family, step, **LIKELY)
    html = family.client.get(f"/children/{family.child.id}/rerate").get_data(as_text=True)
    assert len([n for n in region_names(html) if "Everyone will laugh at me" in n]) == 2
    assert repeated_names(html) == []
