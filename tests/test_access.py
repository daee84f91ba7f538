"""The loaders that tie an object to the child named in the same URL: own → object, else 404."""
import pytest
from flask_login import login_user
from werkzeug.exceptions import NotFound

from graded_exposure.access import is_links_therapist, practice_of_child, step_of_child
from graded_exposure.db import get_session
from graded_exposure.models import Child, TherapistLink, User
from tests.factories import family_objects

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
