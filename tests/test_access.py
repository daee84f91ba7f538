"""The loaders that tie an object to the child named in the same URL, or to the therapist's active
link: own → object, else 404."""
import re
from contextlib import contextmanager

import pytest
from flask_login import login_user
from sqlalchemy import event
from werkzeug.exceptions import NotFound

from graded_exposure.access import (
    child_and_link_for,
    is_links_therapist,
    practice_of_child,
    step_of_child,
)
from graded_exposure.db import get_session
from graded_exposure.models import Child, TherapistLink, User
from graded_exposure.services import accounts
from tests.factories import family_objects
from tests.query_plans import SQLITE_PLANS, plan_of

OUT_OF_RANGE = [0, -1, 2**63, 10**22]


@pytest.fixture
def as_family(app, family):
    """A request context logged in as the family's caregiver; yields the child, freshly loaded."""
    with app.test_request_context():
        login_user(get_session().get(User, family.user.id))
        yield get_session().get(Child, family.child.id)


def test_own_step_and_practice_come_back(db, family, as_family):
    ids = family_objects(db, family)
    assert step_of_child(as_family, ids["step_id"]).id == ids["step_id"]
    assert practice_of_child(as_family, ids["practice_id"]).id == ids["practice_id"]


def test_another_familys_step_and_practice_are_404(db, family, other_family, as_family):
    theirs = family_objects(db, other_family)
    with pytest.raises(NotFound):
        step_of_child(as_family, theirs["step_id"])
    with pytest.raises(NotFound):
        practice_of_child(as_family, theirs["practice_id"])


def test_a_siblings_step_and_practice_are_404_for_this_child(db, family, as_family):
    sibling = Child(family_id=family.child.family_id, display_name="Sibling")
    db.add(sibling)
    db.commit()
    ids = family_objects(db, family)
    sibling = get_session().get(Child, sibling.id)
    with pytest.raises(NotFound):
        step_of_child(sibling, ids["step_id"])
    with pytest.raises(NotFound):
        practice_of_child(sibling, ids["practice_id"])


@pytest.mark.parametrize("bad_id", OUT_OF_RANGE)
def test_ids_out_of_range_are_404(as_family, bad_id):
    with pytest.raises(NotFound):
        step_of_child(as_family, bad_id)
    with pytest.raises(NotFound):
        practice_of_child(as_family, bad_id)


def test_the_links_therapist_is_told_apart_from_its_family(db, family, as_family):
    link = get_session().get(TherapistLink, family_objects(db, family)["link_id"])
    assert not is_links_therapist(link)
    login_user(get_session().get(User, link.therapist_id))
    assert is_links_therapist(link)



@contextmanager
def _logged_in(app, user_id: int):
    """A request context logged in as this user; yields the list of statements run after."""
    statements = []

    def count(*_args):
        statements.append(1)

    with app.test_request_context():
        login_user(get_session().get(User, user_id))
        event.listen(app.extensions["db_engine"], "before_cursor_execute", count)
        try:
            yield statements
        finally:
            event.remove(app.extensions["db_engine"], "before_cursor_execute", count)


def test_the_linked_therapist_gets_the_child_its_family_and_the_link_in_one_statement(
        app, db, family):
    link_id = family_objects(db, family)["link_id"]
    with _logged_in(app, db.get(TherapistLink, link_id).therapist_id) as statements:
        child, link = child_and_link_for(family.child.id)
        assert child.family.timezone == "Europe/London"  # came with it: no lazy load
        assert len(statements) == 1
    assert (child.id, link.id, link.status) == (family.child.id, link_id, "active")


@pytest.mark.parametrize("status", ["ended", "pending"])
def test_a_therapist_whose_link_is_not_active_gets_404(app, db, family, status):
    link = db.get(TherapistLink, family_objects(db, family)["link_id"])
    link.status = status
    db.commit()
    with _logged_in(app, link.therapist_id), pytest.raises(NotFound):
        child_and_link_for(family.child.id)


def test_another_therapist_and_the_family_get_404_from_the_therapists_loader(app, db, family):
    family_objects(db, family)
    other = accounts.register(db, email="dr.other@example.com", password="long enough pw 1",
                              display_name="Dr Other", role="therapist")
    for user_id in (other.id, family.user.id):
        with _logged_in(app, user_id), pytest.raises(NotFound):
            child_and_link_for(family.child.id)


@pytest.mark.parametrize("bad_id", OUT_OF_RANGE)
def test_ids_out_of_range_are_404_for_the_therapists_loader(app, db, family, bad_id):
    link = db.get(TherapistLink, family_objects(db, family)["link_id"])
    with _logged_in(app, link.therapist_id), pytest.raises(NotFound):
        child_and_link_for(bad_id)


@pytest.mark.sqlite_only(SQLITE_PLANS)
@pytest.mark.parametrize("statement", ["_CHILD_AND_LINK", "_ACTIVE_LINK_ID"])
def test_a_therapists_link_to_a_child_is_found_by_child_and_therapist(db, family, statement):
    # Every therapist request checks its link. By the therapist alone it read every link the
    # therapist ever had (ended ones stay as consent records): 84 us at 600 links, 12 us now.
    from graded_exposure import access

    plan = plan_of(db.connection(), getattr(access, statement),
                   {"child_id": family.child.id, "me": family.user.id})
    # Through either index on both columns: the one of every link, or the partial one of the
    # active links (one per therapist and child), which SQLite picks for an active link.
    assert re.search(r"SEARCH therapistlink USING INDEX (ix_therapistlink_child_therapist "
                     r"\(child_id=\? AND therapist_id=\?\)|ux_therapistlink_one_active "
                     r"\(therapist_id=\? AND child_id=\?\))", plan), plan


def test_the_active_link_test_is_written_into_the_sql_not_bound():
    # SQLite uses the partial index of active links for a bound 'active' only by preparing the
    # statement anew on every run: the therapist's access check took 107 µs instead of 22.
    from graded_exposure import access
    from graded_exposure.services import caseload
    for statement in (access._ACTIVE_LINK_ID, access._CHILD_AND_LINK, access._LIVE,
                      caseload._ACTIVE_LINK_ROW):
        compiled = statement.compile()
        assert "therapistlink.status = 'active'" in str(compiled), str(compiled)
        assert "active" not in [str(value) for value in compiled.params.values()]
