"""The pages issue 10 measures load what they show up front: with RAISE_ON_LAZY_LOAD a lazy
load that runs SQL while serving them is an error (graded_exposure/db.py), so a template or a
service that starts reading a relationship one object at a time fails here."""
from datetime import date, timedelta
from uuid import uuid4

import pytest

from graded_exposure.db import LazyLoadInRequest, get_session
from graded_exposure.models import Child
from tests.conftest import HX, Family, Therapist
from tests.factories import add_practices, current_step, fill_child, template_ladder
from tests.lookups import counted_statements, practice_count


@pytest.fixture
def strict(app, monkeypatch):
    monkeypatch.setitem(app.config, "RAISE_ON_LAZY_LOAD", True)


@pytest.fixture
def busy(app, db, family):
    """A family child with ladders, practices, check-ins, notes and a linked therapist."""
    therapist = Therapist(app, db)
    ids = fill_child(db, family.child, family.user, therapist.user)
    ladder = template_ladder(db, family.child, by=family.user)
    add_practices(db, family.child, ladder.steps[:3], 12, logged_by_id=family.user.id)
    return family, therapist, ids["ladders"][0], ladder


FAMILY_PAGES = ["/", "/children/{child}", "/children/{child}/practices/new",
                "/children/{child}/insights", "/children/{child}/week", "/ladders/{ladder}",
                "/ladders/{ladder}/progress", "/ladders/{template}", "/ladders/{template}/progress",
                "/children/{child}/practices", "/children/{child}/checkin"]
THERAPIST_PAGES = ["/", "/therapist/children/{child}", "/therapist/children/{child}/summary",
                   "/ladders/{template}", "/ladders/{template}/progress"]


def _urls(pages, family, ladder_id, template):
    return [p.format(child=family.child.id, ladder=ladder_id, template=template.id)
            for p in pages]


@pytest.mark.own_app
def test_a_lazy_load_in_a_request_is_an_error_when_strict(app, db, strict):
    @app.get("/lazy-probe/<int:child_id>")
    def probe(child_id: int):
        return get_session().get(Child, child_id).ladders[0].goal

    family = Family(app, db, "alex@example.com")
    template_ladder(db, family.child)
    with pytest.raises(LazyLoadInRequest, match=r"Child\.ladders"):
        family.client.get(f"/lazy-probe/{family.child.id}")


def test_family_pages_load_without_lazy_loads(strict, busy):
    family, _, ladder_id, template = busy
    for url in _urls(FAMILY_PAGES, family, ladder_id, template):
        assert family.client.get(url).status_code == 200, url
        assert family.client.get(url, headers=HX).status_code == 200, url


def test_therapist_pages_load_without_lazy_loads(strict, busy):
    family, therapist, ladder_id, template = busy
    for url in _urls(THERAPIST_PAGES, family, ladder_id, template):
        assert therapist.client.get(url).status_code == 200, url


def test_logging_a_practice_and_a_check_in_run_no_lazy_loads(strict, busy):
    family, _, _, template = busy
    step = current_step(template)
    logged = family.post(f"/children/{family.child.id}/practices", {
        "step": step.id, "fear_before": 6, "fear_after": 3, "outcome": "did_it",
        "idempotency_key": uuid4().hex})
    assert logged.status_code == 303
    checked = family.post(f"/children/{family.child.id}/checkin", {
        "day": (date.today() - timedelta(days=3)).isoformat(), "child_distress": 4,
        "caregiver_distress": 3, "idempotency_key": uuid4().hex})
    assert checked.status_code == 303
    replaced = family.post(f"/children/{family.child.id}/checkin", {
        "day": date.today().isoformat(), "child_distress": 2, "caregiver_distress": 2,
        "idempotency_key": uuid4().hex})  # fill_child stored today's check-in already
    assert replaced.status_code == 303


def test_the_home_screen_runs_as_many_statements_with_a_long_history(app, db, busy):
    family, _, _, template = busy
    url = f"/children/{family.child.id}"
    family.client.get(url)
    with counted_statements(app.extensions["db_engine"]) as few:
        family.client.get(url)
    add_practices(db, family.child, template.steps, 400, logged_by_id=family.user.id)
    assert practice_count(db) > 400
    with counted_statements(app.extensions["db_engine"]) as many:
        family.client.get(url)
    assert len(many) == len(few)


def test_logging_a_practice_reads_child_ladder_and_step_in_one_statement(app, busy):
    """The child, the step and the ladder between them come in one statement; the family is
    the caregiver's own, loaded with them, and nothing is read again (the busiest write)."""
    family, _, _, template = busy
    with counted_statements(app.extensions["db_engine"]) as statements:
        logged = family.post(f"/children/{family.child.id}/practices", {
            "step": current_step(template).id, "fear_before": 6, "fear_after": 3,
            "outcome": "did_it", "idempotency_key": uuid4().hex})
    assert logged.status_code == 303
    reads = [s for s in statements if s.startswith("SELECT")]
    child_reads = [s for s in reads if "child.display_name" in s]
    assert len(child_reads) == 1 and " JOIN ladder " in child_reads[0] \
        and " JOIN step " in child_reads[0], reads
    lazy = ("SELECT ladder.id AS", "SELECT step.id AS", "SELECT family.id AS")
    assert not [s for s in reads if s.startswith(lazy)], reads
