"""Both voices over HTTP: the child's faces and the caregiver's numbers on one try."""
import re
from uuid import uuid4

import pytest
from sqlmodel import select

from graded_exposure.models import Practice
from graded_exposure.rules.two_voices import AGREEMENT_TRIES
from tests.conftest import Therapist, csrf_from
from tests.factories import current_step, link, make_ladder
from tests.lookups import counted_statements, practice_count


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def only_practice(db) -> Practice:
    db.expire_all()
    return db.exec(select(Practice)).one()


def child_rates_a_try(family, step, before="worried", after="happy"):
    """The child logs a try with faces in the child view; return the response."""
    url = f"/children/{family.child.id}/brave/steps/{step.id}"
    html = family.client.get(url).get_data(as_text=True)
    key = re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"', html).group(1)
    return family.client.post(url, data={"csrf_token": csrf_from(html), "idempotency_key": key,
                                         "before": before, "outcome": "did_it",
                                         "after": after})


def caregiver_logs_a_try(family, step, before=4, after=2):
    response = family.post(f"/children/{family.child.id}/practices", {
        "step": step.id, "fear_before": before, "fear_after": after, "outcome": "did_it",
        "idempotency_key": uuid4().hex})
    assert response.status_code == 303
    return response


def feel_url(family, practice) -> str:
    return f"/children/{family.child.id}/brave/feel/{practice.id}"


# The child rates first, the caregiver adds numbers

def test_the_childs_try_waits_for_the_caregivers_rating_in_the_list(db, family, step):
    assert child_rates_a_try(family, step).status_code == 303
    practice = only_practice(db)
    assert (practice.child_fear_before, practice.child_fear_after) == (7, 3)
    assert practice.caregiver_rated is False
    html = family.client.get(f"/children/{family.child.id}/practices").get_data(as_text=True)
    assert f'href="/practices/{practice.id}/rating">Add your rating</a>' in html
    assert "Sam’s faces: Worried → Happy" in html
    home = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert "Add your rating" in home


def test_the_caregivers_rating_joins_the_same_try(db, family, step):
    child_rates_a_try(family, step)
    practice = only_practice(db)
    page = family.client.get(f"/practices/{practice.id}/rating")
    assert page.status_code == 200
    assert "Sam rated this try with faces" in page.get_data(as_text=True)
    response = family.post(f"/practices/{practice.id}/rating",
                           {"fear_before": 3, "fear_after": 1})
    assert response.status_code == 303
    practice = only_practice(db)
    assert practice_count(db) == 1
    assert (practice.fear_before, practice.fear_peak, practice.fear_after) == (3, 3, 1)
    assert (practice.child_fear_before, practice.caregiver_rated) == (7, True)
    html = family.client.get(f"/children/{family.child.id}/practices").get_data(as_text=True)
    assert "Add your rating" not in html and "Sam’s faces: Worried → Happy" in html
    # Rated now: the link leads to the edit page instead.
    again = family.client.get(f"/practices/{practice.id}/rating")
    assert again.status_code == 303 and again.location.endswith(f"/practices/{practice.id}/edit")


@pytest.mark.parametrize(("data", "message"), [
    ({"fear_after": 1}, "Tap how scared your child was before."),
    ({"fear_before": 3}, "Tap how scared your child was after."),
    ({"fear_before": 11, "fear_after": 1}, "Fear is a number from 0 to 10."),
    ({"fear_before": "lots", "fear_after": 1}, "Not a valid integer value."),
    ({"fear_before": 5, "fear_peak": 2, "fear_after": 4}, "cannot be lower"),
])
def test_bad_caregiver_ratings_are_refused_and_nothing_changes(db, family, step, data, message):
    child_rates_a_try(family, step)
    practice = only_practice(db)
    response = family.post(f"/practices/{practice.id}/rating", data)
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    practice = only_practice(db)
    assert (practice.fear_before, practice.fear_after, practice.caregiver_rated) == (7, 3, False)


# The caregiver logs first, the child adds faces

def test_the_child_page_asks_how_a_try_felt_and_stores_the_faces_on_it(db, family, step):
    caregiver_logs_a_try(family, step, before=4, after=2)
    practice = only_practice(db)
    page = family.client.get(f"/children/{family.child.id}/brave").get_data(as_text=True)
    assert "How did it feel?" in page and f'href="{feel_url(family, practice)}"' in page
    form = family.client.get(feel_url(family, practice))
    assert form.status_code == 200 and f"You tried: {step.title}" in form.get_data(as_text=True)
    response = family.post(feel_url(family, practice), {"before": "very_scared", "after": "ok"})
    assert response.status_code == 303
    assert response.location.endswith(f"/brave/done/{practice.id}")
    done = family.client.get(response.location).get_data(as_text=True)
    assert "Very scared" in done and "OK" in done  # the child's own faces
    practice = only_practice(db)
    assert practice_count(db) == 1
    assert (practice.child_fear_before, practice.child_fear_after) == (10, 5)
    assert (practice.fear_before, practice.fear_after, practice.caregiver_rated) == (4, 2, True)
    page = family.client.get(f"/children/{family.child.id}/brave").get_data(as_text=True)
    assert "How did it feel?" not in page
    assert family.client.get(feel_url(family, practice)).status_code == 303


@pytest.mark.parametrize("data", [
    {}, {"before": "happy"}, {"after": "happy"}, {"before": "terrified", "after": "happy"},
    {"before": "7", "after": "3"}])
def test_missing_or_unknown_faces_are_refused_and_nothing_is_stored(db, family, step, data):
    caregiver_logs_a_try(family, step)
    practice = only_practice(db)
    response = family.post(feel_url(family, practice), data)
    assert response.status_code == 422
    assert "Tap a face to show how you" in response.get_data(as_text=True)
    assert only_practice(db).child_fear_before is None


def test_faces_for_a_try_the_child_rated_already_are_refused(db, family, step):
    child_rates_a_try(family, step)
    practice = only_practice(db)
    response = family.post(feel_url(family, practice), {"before": "ok", "after": "ok"})
    assert response.status_code == 422
    assert "You told us about this try already" in response.get_data(as_text=True)
    assert only_practice(db).child_fear_before == 7


def test_other_families_get_404(db, family, other_family, step):
    caregiver_logs_a_try(family, step)
    practice = only_practice(db)
    for url, data in ((feel_url(family, practice), {"before": "ok", "after": "ok"}),
                      (f"/practices/{practice.id}/rating", {"fear_before": 1, "fear_after": 1})):
        assert other_family.client.get(url).status_code == 404
        assert other_family.post(url, data).status_code == 404
    assert only_practice(db).child_fear_before is None


# The therapist sees agreement

@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


def rated_by_both(db, family, step, n, child_before, child_after, before, after):
    for i in range(n):
        db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=before,
                        fear_peak=max(before, after), fear_after=after, outcome="did_it",
                        child_fear_before=child_before, child_fear_after=child_after,
                        idempotency_key=f"both-{child_before}-{before}-{i}"))
    db.commit()


def test_the_therapist_sees_a_talking_point_never_an_error(db, family, step, tara):
    rated_by_both(db, family, step, 3, 10, 7, 2, 1)
    rated_by_both(db, family, step, 2, 5, 3, 5, 3)
    for url in (f"/therapist/children/{family.child.id}",
                f"/therapist/children/{family.child.id}/summary"):
        html = tara.page(url)
        assert ("Sam rated it scarier than the grown-up did on 3 of the last 5 tries rated "
                "by both — worth asking Sam about.") in html, url
        assert html.count("<tr><th scope=\"row\"><time", html.index('id="two-voices"')) >= 5


def test_close_ratings_read_as_much_the_same(db, family, step, tara):
    rated_by_both(db, family, step, 2, 5, 3, 4, 3)
    html = tara.page(f"/therapist/children/{family.child.id}")
    assert "On the last 2 tries rated by both, Sam and the grown-ups saw it much the same" in html
    assert "points scarier than the grown-ups’ numbers" in html  # 0.5 on average


def test_no_tries_rated_by_both_shows_nothing(db, family, step, tara):
    caregiver_logs_a_try(family, step)
    assert 'id="two-voices"' not in tara.page(f"/therapist/children/{family.child.id}")


def _statements(app, client, url) -> list[str]:
    with counted_statements(app.extensions["db_engine"]) as statements:
        assert client.get(url).status_code == 200
    return statements


def test_agreement_costs_the_therapists_pages_no_statement(app, db, family, step, tara):
    caregiver_logs_a_try(family, step)
    urls = (f"/therapist/children/{family.child.id}",
            f"/therapist/children/{family.child.id}/summary")
    tara.page(urls[0])  # the hourly view audit is written once
    without = [len(_statements(app, tara.client, url)) for url in urls]
    rated_by_both(db, family, step, AGREEMENT_TRIES + 2, 10, 10, 0, 0)
    assert 'id="two-voices"' in tara.page(urls[0])
    read = [_statements(app, tara.client, url) for url in urls]
    assert [len(statements) for statements in read] == without
    # The child's faces come with the rows each page lists anyway: one statement reads them.
    for statements in read:
        assert sum("child_fear_before" in statement for statement in statements) == 1


def test_the_edit_page_of_a_childs_try_points_to_adding_a_rating(db, family, step):
    child_rates_a_try(family, step)
    practice = only_practice(db)
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert "Sam rated this try with faces; the numbers below come from those faces." in html
    assert f'href="/practices/{practice.id}/rating">Add your rating</a>' in html
    family.post(f"/practices/{practice.id}/rating", {"fear_before": 1, "fear_after": 1})
    html = family.client.get(f"/practices/{practice.id}/edit").get_data(as_text=True)
    assert "Add your rating" not in html
