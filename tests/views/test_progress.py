"""Progress routes through HTTP: the progress page and its charts, confirming mastery, the rule."""
import re

import pytest
from flask import render_template

from graded_exposure.models import Ladder, Step
from graded_exposure.services import ladders, progress, steps
from tests.conftest import HX
from tests.factories import make_ladder, practise_on_days
from tests.hostile_input import SCRIPT
from tests.lookups import counted_statements, ladder_steps
from tests.region_names import region_names

GOOD_RULE = {"mastery_min_practices": "4", "mastery_min_days": "3", "mastery_max_peak": "2",
             "mastery_count_halving": "y"}


@pytest.fixture
def ladder(db, family):
    return make_ladder(db, family.child, goal="Shops", area="outings", steps=4, by=family.user)


def _page(family, ladder) -> str:
    response = family.client.get(f"/ladders/{ladder.id}/progress")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _statuses(db, ladder) -> list[str]:
    return [s.status for s in ladder_steps(db, ladder.id)]


def _rule(db, ladder) -> tuple:
    db.expire_all()
    stored = db.get(Ladder, ladder.id)
    return (stored.mastery_min_practices, stored.mastery_min_days, stored.mastery_max_peak,
            stored.mastery_count_halving)


# ---- the progress page ------------------------------------------------------------------

def test_progress_page_draws_a_chart_with_a_text_alternative(db, family, ladder):
    practise_on_days(db, ladder.steps[0], days=(0, 1), peak=6, after=4, before=5)
    html = _page(family, ladder)
    chart = html[html.index(f'id="fear-chart-{ladder.steps[0].id}"'):]
    assert re.search(r'<svg class="fc" viewBox="0 0 \d+ \d+" role="img" aria-label="Fear chart '
                     r'for Step 1: 2 practices\. First: before 5, peak 6, after 4\.', chart)
    assert chart.count("<polyline") == 3 and "<title>" in chart
    table = chart[chart.index('<table class="fc-table">'):chart.index("</table>")]
    assert table.count("<tr>") == 3  # a header and one row per practice
    assert '<time datetime="2026-10-05">5 Oct</time>' in table
    assert "<td>5</td><td>6</td><td>4</td>" in table
    assert "Towards mastery: <strong>0 of 3 practices, on 0 of 2 days</strong>" in html
    assert "style=" not in chart


def test_progress_page_reads_the_ladder_and_its_steps_once(app, db, family, ladder):
    practise_on_days(db, ladder.steps[0], days=(0, 1))
    with counted_statements(app.extensions["db_engine"]) as statements:
        assert "fear-chart-" in _page(family, ladder)
    ladder_reads = [s for s in statements if re.match(r"SELECT ladder\.", s)]
    step_reads = [s for s in statements if re.match(r"SELECT step\.", s)]
    assert len(ladder_reads) == 1 and len(step_reads) == 1, ladder_reads + step_reads


def test_a_single_practice_gives_dots_without_lines(db, family, ladder):
    practise_on_days(db, ladder.steps[0], days=(0,))
    html = _page(family, ladder)
    assert "<polyline" not in html and "<circle" in html and "<rect" in html


def test_the_current_step_without_practices_says_so_instead_of_a_chart(family, ladder):
    html = _page(family, ladder)
    assert "No practices yet, so no chart." in html and "<svg class=\"fc\"" not in html
    assert f'id="progress-step-{ladder.steps[0].id}"' in html
    assert f'id="progress-step-{ladder.steps[1].id}"' not in html


def test_many_practices_say_only_the_last_twenty_are_shown(db, family, ladder):
    practise_on_days(db, ladder.steps[0], days=range(25), peak=7, after=6)
    html = _page(family, ladder)
    assert "Showing the last 20 of 25 practices." in html
    chart = html[html.index('<svg class="fc"'):]
    assert chart[:chart.index("</svg>")].count('<circle class="fc-mark"') == 20


def test_step_titles_are_escaped_in_the_chart_and_table(db, family, ladder):
    steps.update_step(db, ladder.steps[0], title=SCRIPT, detail="", predicted_fear=2,
                      social_story="")
    practise_on_days(db, ladder.steps[0], days=(0, 1))
    html = _page(family, ladder)
    assert SCRIPT not in html
    escaped = "&lt;script&gt;alert(1)&lt;/script&gt;"
    assert f'aria-label="Fear chart for {escaped}' in html
    assert f"<title>Fear chart for {escaped}" in html
    assert f"Fear ratings for {escaped}, oldest first" in html


def test_progress_page_for_htmx_is_still_the_whole_page(db, family, ladder):
    # There is no partial for this page: a boosted or htmx GET gets the page itself.
    response = family.client.get(f"/ladders/{ladder.id}/progress", headers=HX)
    assert response.status_code == 200 and "<html" in response.get_data(as_text=True)


def test_mastered_steps_stay_on_the_progress_and_ladder_pages(db, family, ladder):
    practise_on_days(db, ladder.steps[0])
    steps.confirm_mastered(db, ladder.steps[0])
    html = _page(family, ladder)
    mastered = html[html.index(f'id="progress-step-{ladder.steps[0].id}"'):]
    assert '<span class="badge mastered">Mastered</span>' in mastered
    assert f'id="step-{ladder.steps[0].id}"' in family.client.get(
        f"/ladders/{ladder.id}").get_data(as_text=True)


# ---- ready for the next step ------------------------------------------------------------

def test_a_step_meeting_the_rule_shows_ready_with_the_rule_in_words(db, family, ladder):
    practise_on_days(db, ladder.steps[0])
    html = _page(family, ladder)
    assert "Ready for the next step!" in html
    assert progress.mastery_rule(ladder).describe() in html
    assert f'action="/steps/{ladder.steps[0].id}/mastered"' in html
    assert "Not yet, keep practising" in html


def test_a_step_short_of_the_rule_shows_no_ready_block(db, family, ladder):
    practise_on_days(db, ladder.steps[0], days=(0, 0, 0))
    html = _page(family, ladder)
    assert "Ready for the next step!" not in html and "/mastered" not in html
    assert "3 of 3 practices, on 1 of 2 days" in html


def test_confirm_mastered_moves_up_and_redirects_to_the_progress_page(db, family, ladder):
    practise_on_days(db, ladder.steps[0])
    response = family.post(f"/steps/{ladder.steps[0].id}/mastered", {"back": "progress"})
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/ladders/{ladder.id}/progress#progress-step-{ladder.steps[1].id}")
    assert _statuses(db, ladder) == ["mastered", "current", "upcoming", "upcoming"]
    page = family.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "“Step 1” is mastered. Next step: Step 2." in page


def test_confirm_mastered_from_home_goes_back_home(db, family, ladder):
    practise_on_days(db, ladder.steps[0])
    response = family.post(f"/steps/{ladder.steps[0].id}/mastered",
                           {"back": "home", "status": "upcoming", "ladder_id": "999"})
    assert response.status_code == 303
    assert response.headers["Location"] == (
        f"/children/{family.child.id}#home-ladder-{ladder.id}")
    assert _statuses(db, ladder)[:2] == ["mastered", "current"]


@pytest.mark.parametrize("case", ["short_of_rule", "not_current", "archived", "twice"])
def test_confirm_mastered_refusals_are_422_and_change_nothing(db, family, ladder, case):
    target = ladder.steps[0]
    practise_on_days(db, target, days=(0, 0, 0) if case == "short_of_rule" else (0, 0, 1))
    if case == "not_current":
        target = ladder.steps[1]
        practise_on_days(db, target)
    elif case == "archived":
        ladders.archive_ladder(db, ladder)
    elif case == "twice":
        steps.confirm_mastered(db, target)
    before = _statuses(db, ladder)
    response = family.post(f"/steps/{target.id}/mastered")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    message = {"short_of_rule": "Not yet: so far 3 of 3 practices, on 1 of 2 days.",
               "not_current": "Only the step your child is practising now",
               "archived": "This ladder is archived", "twice": "is already mastered"}[case]
    assert '<p class="form-errors" role="alert">' in html and message in html
    assert _statuses(db, ladder) == before


def test_confirm_mastered_needs_csrf_and_post(db, family, ladder):
    practise_on_days(db, ladder.steps[0])
    url = f"/steps/{ladder.steps[0].id}/mastered"
    assert family.client.post(url).status_code == 400
    # A GET (a reload after a refused POST) only leads back to the progress page.
    response = family.client.get(url)
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}/progress"
    assert _statuses(db, ladder)[0] == "current"


def test_home_ready_partial_lists_ready_steps_with_a_confirm_form(app, db, family, ladder):
    practise_on_days(db, ladder.steps[0])
    steps.update_step(db, ladder.steps[0], title=SCRIPT, detail="", predicted_fear=2,
                      social_story="")
    with app.test_request_context():
        html = render_template("progress/_ready.html", child=family.child,
                               ready_steps=progress.ready_steps(db, family.child))
    assert "<html" not in html and html.lstrip().startswith('<div id="ready-steps">')
    assert "Ready for the next step!" in html and 'name="back" value="home"' in html
    assert SCRIPT not in html and "&lt;script&gt;" in html
    with app.test_request_context():
        empty = render_template("progress/_ready.html", child=family.child, ready_steps=[])
    assert "Ready" not in empty


# ---- the ladder page and the mastery rule form ------------------------------------------

def test_ladder_page_shows_the_rule_and_links_to_progress(family, ladder):
    html = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert progress.mastery_rule(ladder).describe() in html
    assert f'href="/ladders/{ladder.id}/progress"' in html


def test_edit_page_has_the_rule_form_with_the_current_numbers(family, ladder):
    html = family.client.get(f"/ladders/{ladder.id}/edit").get_data(as_text=True)
    assert f'action="/ladders/{ladder.id}/mastery"' in html
    assert re.search(r'name="mastery_min_practices"[^>]*value="3"', html)
    assert re.search(r'name="mastery_max_peak" value="3" checked', html)
    assert re.search(r'<input checked[^>]*name="mastery_count_halving"', html)


def test_saving_the_rule_stores_it_and_ignores_extra_fields(db, family, ladder):
    response = family.post(f"/ladders/{ladder.id}/mastery",
                           {**GOOD_RULE, "child_id": "999", "status": "archived"})
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}#mastery-rule"
    assert _rule(db, ladder) == (4, 3, 2, True)
    assert db.get(Ladder, ladder.id).status == "active"
    page = family.client.get(f"/ladders/{ladder.id}").get_data(as_text=True)
    assert "At least 4 practices on at least 3 different days with peak fear 2 or below" in page


def test_saving_the_rule_with_htmx_returns_the_rule_section(db, family, ladder):
    response = family.post(f"/ladders/{ladder.id}/mastery", GOOD_RULE, headers=HX)
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<section class="card" id="mastery"')
    assert "Mastery rule saved." in html and "At least 4 practices" in html
    assert _rule(db, ladder) == (4, 3, 2, True)


def test_a_refused_rule_with_htmx_returns_the_section_with_422(db, family, ladder):
    response = family.post(f"/ladders/{ladder.id}/mastery",
                           {**GOOD_RULE, "mastery_max_peak": "11"}, headers=HX)
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert "<html" not in html and html.lstrip().startswith('<section class="card" id="mastery"')
    assert "Highest peak fear must be a whole number from 0 to 10." in html
    assert _rule(db, ladder) == (3, 2, 3, True)


def test_getting_the_rule_url_leads_to_the_edit_page(db, family, ladder):
    response = family.client.get(f"/ladders/{ladder.id}/mastery")
    assert response.status_code == 303
    assert response.headers["Location"] == f"/ladders/{ladder.id}/edit#mastery"
    assert _rule(db, ladder) == (3, 2, 3, True)


def test_unticking_halving_turns_it_off(db, family, ladder):
    rule = {k: v for k, v in GOOD_RULE.items() if k != "mastery_count_halving"}
    assert family.post(f"/ladders/{ladder.id}/mastery", rule).status_code == 303
    assert _rule(db, ladder) == (4, 3, 2, False)


BAD = [(field, value) for field in ("mastery_min_practices", "mastery_min_days")
       for value in ("0", "21", "-1", "x", "", "2.5")]
BAD += [("mastery_max_peak", value) for value in ("-1", "11", "21", "x", "")]


@pytest.mark.parametrize(("field", "value"), BAD)
def test_bad_rule_numbers_are_422_with_a_clear_message(db, family, ladder, field, value):
    response = family.post(f"/ladders/{ladder.id}/mastery", {**GOOD_RULE, field: value})
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert re.search(r"must be a whole number from \d+ to \d+\.", html)
    assert html.count("must be a whole number") == 1
    assert _rule(db, ladder) == (3, 2, 3, True)


def test_more_days_than_practices_is_refused(db, family, ladder):
    response = family.post(f"/ladders/{ladder.id}/mastery",
                           {**GOOD_RULE, "mastery_min_practices": "2", "mastery_min_days": "3"})
    assert response.status_code == 422
    assert "can&#39;t be more than the number of practices" in response.get_data(as_text=True)
    assert _rule(db, ladder) == (3, 2, 3, True)


def test_rule_of_an_archived_ladder_cannot_change(db, family, ladder):
    ladders.archive_ladder(db, ladder)
    response = family.post(f"/ladders/{ladder.id}/mastery", GOOD_RULE)
    assert response.status_code == 422
    assert "This ladder is archived" in response.get_data(as_text=True)
    assert _rule(db, ladder) == (3, 2, 3, True)


# ---- other families ---------------------------------------------------------------------

def test_another_family_gets_404_on_every_progress_route(db, family, other_family, ladder):
    practise_on_days(db, ladder.steps[0])
    step = db.get(Step, ladder.steps[0].id)
    for headers in ({}, HX):
        client = other_family.client
        for url in (f"/ladders/{ladder.id}/progress", f"/steps/{step.id}/mastered",
                    f"/ladders/{ladder.id}/mastery"):
            assert client.get(url, headers=headers).status_code == 404
        assert other_family.post(f"/steps/{step.id}/mastered",
                                 headers=headers).status_code == 404
        assert other_family.post(f"/ladders/{ladder.id}/mastery", GOOD_RULE,
                                 headers=headers).status_code == 404
    assert _statuses(db, ladder)[0] == "current"
    assert _rule(db, ladder) == (3, 2, 3, True)


def test_two_ready_cards_of_one_ladder_are_regions_with_their_own_names(app, db, family, ladder):
    # Found from outside (axe, landmark-unique): each ready card was named by its ladder's goal
    # alone, so two ready steps of one ladder were two regions of one name.
    with app.test_request_context():
        html = render_template("progress/_ready.html", child=family.child,
                               ready_steps=ladder.steps[:2])
    names = region_names(html)
    assert names == [f"{ladder.goal}: {ladder.steps[0].title}",
                     f"{ladder.goal}: {ladder.steps[1].title}"]
