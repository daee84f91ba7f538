"""The faces thermometer: five faces onto the 0-10 fear scale, and back."""
import pytest
from hypothesis import given
from hypothesis import strategies as st

from graded_exposure.rules.faces import FACES, face_for_fear, faces_of, fear_for_face


@pytest.mark.parametrize(("face", "fear"), [
    ("very_happy", 0), ("happy", 3), ("ok", 5), ("worried", 7), ("very_scared", 10)])
def test_each_face_maps_to_its_fear(face, fear):
    assert fear_for_face(face) == fear


@pytest.mark.parametrize("unknown", ["", "scared", "VERY_HAPPY", "5", None, "very_happy "])
def test_unknown_faces_are_refused(unknown):
    with pytest.raises(ValueError, match="unknown face"):
        fear_for_face(unknown)


def test_faces_run_from_calm_to_very_scared_over_the_whole_scale():
    fears = [face.fear for face in FACES]
    assert fears == sorted(fears)
    assert (fears[0], fears[-1]) == (0, 10)
    assert [face.key for face in FACES] == ["very_happy", "happy", "ok", "worried", "very_scared"]
    assert all(face.label for face in FACES)  # screen readers read the words


def test_a_face_comes_back_from_its_own_fear():
    assert all(face_for_fear(face.fear) == face for face in FACES)


@pytest.mark.parametrize(("fear", "key"), [(1, "very_happy"), (2, "happy"), (4, "ok"),
                                           (6, "worried"), (8, "worried"), (9, "very_scared")])
def test_nearest_face_and_ties_go_to_the_more_scared_face(fear, key):
    assert face_for_fear(fear).key == key


@given(st.integers(0, 10))
def test_nearest_face_is_never_further_than_any_other(fear):
    chosen = face_for_fear(fear)
    assert all(abs(chosen.fear - fear) <= abs(face.fear - fear) for face in FACES)


def test_faces_of_a_try_are_the_childs_own_or_none():
    class Rated:
        child_fear_before, child_fear_after = 7, 3

    assert [f.key for f in faces_of(Rated())] == ["worried", "happy"]
    Rated.child_fear_after = None
    assert faces_of(Rated()) is None
