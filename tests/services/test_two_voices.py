"""Both voices on one try, without HTTP: faces and numbers on one practice, never two."""
import io
import json
import zipfile
from datetime import datetime
from uuid import uuid4
from zoneinfo import ZoneInfo

import pytest

from graded_exposure.errors import DomainError
from graded_exposure.models import Practice
from graded_exposure.rules.two_voices import SCARIER
from graded_exposure.services import child_mode, export, practices, two_voices
from graded_exposure.services.practices import PracticeDetails
from tests.factories import current_step, make_ladder
from tests.lookups import practice_count


def key() -> str:
    return uuid4().hex


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def child_try(db, family, step, before=7, after=3, **details) -> Practice:
    """A try the child rated with faces in the child view (no caregiver numbers)."""
    data = PracticeDetails(fear_before=None, fear_after=None, child_fear_before=before,
                           child_fear_after=after, **details)
    return practices.log_practice(db, family.child, step, family.user, data, key())


def caregiver_try(db, family, step, before=4, after=2, **details) -> Practice:
    data = PracticeDetails(fear_before=before, fear_after=after, **details)
    return practices.log_practice(db, family.child, step, family.user, data, key())


def stored(db, practice) -> Practice:
    db.expire_all()
    return db.get(Practice, practice.id)


# The child rates first

def test_a_childs_try_counts_its_faces_until_the_caregiver_rates(db, family, step):
    practice = stored(db, child_try(db, family, step, before=7, after=3))
    assert (practice.child_fear_before, practice.child_fear_after) == (7, 3)
    assert (practice.fear_before, practice.fear_peak, practice.fear_after) == (7, 7, 3)
    assert practice.caregiver_rated is False


def test_the_caregivers_numbers_join_the_same_try_and_count_from_then(db, family, step):
    practice = child_try(db, family, step, before=10, after=5)
    stars_before = child_mode.child_page(db, family.child).stars
    two_voices.add_caregiver_rating(db, practice, 3, None, 2)
    practice = stored(db, practice)
    assert practice_count(db) == 1
    assert (practice.fear_before, practice.fear_peak, practice.fear_after) == (3, 3, 2)
    assert (practice.child_fear_before, practice.child_fear_after) == (10, 5)
    assert practice.caregiver_rated is True
    # Stars follow the counted numbers: the try still earns once (10 -> 3 stars, 3 -> 1).
    assert (stars_before, child_mode.child_page(db, family.child).stars) == (3, 1)


@pytest.mark.parametrize(("before", "peak", "after"), [
    (None, None, 2), (3, None, 11), (-1, None, 2), (5, 2, 4), (True, None, 2)])
def test_bad_caregiver_numbers_are_refused_and_nothing_changes(db, family, step, before, peak,
                                                               after):
    practice = child_try(db, family, step, before=7, after=3)
    with pytest.raises(DomainError):
        two_voices.add_caregiver_rating(db, practice, before, peak, after)
    db.rollback()
    practice = stored(db, practice)
    assert (practice.fear_before, practice.fear_after, practice.caregiver_rated) == (7, 3, False)


def test_the_same_rating_sent_twice_is_fine_and_a_different_one_is_refused(db, family, step):
    practice = child_try(db, family, step)
    two_voices.add_caregiver_rating(db, practice, 4, 6, 2)
    assert two_voices.add_caregiver_rating(db, practice, 4, 6, 2).fear_peak == 6
    with pytest.raises(DomainError, match="edit the practice"):
        two_voices.add_caregiver_rating(db, practice, 9, 9, 9)
    assert practice_count(db) == 1


# The caregiver logs first

def test_the_childs_faces_join_a_caregivers_try_without_changing_what_counts(db, family, step):
    practice = caregiver_try(db, family, step, before=4, after=2)
    stars_before = child_mode.child_page(db, family.child).stars
    two_voices.add_child_rating(db, practice, 10, 7)
    practice = stored(db, practice)
    assert practice_count(db) == 1
    assert (practice.fear_before, practice.fear_peak, practice.fear_after) == (4, 4, 2)
    assert (practice.child_fear_before, practice.child_fear_after) == (10, 7)
    assert practice.caregiver_rated is True
    assert child_mode.child_page(db, family.child).stars == stars_before


def test_faces_a_try_already_has_are_kept(db, family, step):
    practice = caregiver_try(db, family, step)
    two_voices.add_child_rating(db, practice, 5, 3)
    assert two_voices.add_child_rating(db, practice, 5, 3).child_fear_before == 5  # sent twice
    with pytest.raises(DomainError, match="already"):
        two_voices.add_child_rating(db, practice, 10, 10)
    assert stored(db, practice).child_fear_before == 5


@pytest.mark.parametrize(("before", "after"), [(None, 3), (3, 11), (-2, 0), (3, None)])
def test_bad_faces_are_refused(db, family, step, before, after):
    practice = caregiver_try(db, family, step)
    with pytest.raises(DomainError, match="Tap a face"):
        two_voices.add_child_rating(db, practice, before, after)
    assert stored(db, practice).child_fear_before is None


def test_logging_refuses_half_a_childs_rating(db, family, step):
    with pytest.raises(DomainError, match="Tap a face"):
        child_try(db, family, step, before=5, after=None)
    assert practice_count(db) == 0


# Editing keeps each voice its own

def test_editing_other_details_keeps_the_childs_try_unrated_by_the_caregiver(db, family, step):
    practice = child_try(db, family, step, before=7, after=3)
    practices.edit_practice(db, practice, step, PracticeDetails(
        fear_before=7, fear_peak=7, fear_after=3, note="At the gate"))
    practice = stored(db, practice)
    assert (practice.caregiver_rated, practice.child_fear_before, practice.note) == (
        False, 7, "At the gate")


def test_numbers_changed_in_the_edit_form_are_the_caregivers_rating(db, family, step):
    practice = child_try(db, family, step, before=7, after=3)
    practices.edit_practice(db, practice, step, PracticeDetails(fear_before=2, fear_after=1))
    practice = stored(db, practice)
    assert (practice.caregiver_rated, practice.fear_before) == (True, 2)
    assert (practice.child_fear_before, practice.child_fear_after) == (7, 3)


# The try the child view offers

def test_the_latest_try_of_today_without_faces_is_offered(db, family, step):
    # A fixed afternoon: tries "now" and "half an hour ago" would straddle midnight when the
    # suite runs at 00:00 (it did, in CI).
    zone = ZoneInfo(family.child.family.timezone)
    now = datetime(2026, 6, 10, 15, 0, tzinfo=zone)
    earlier = caregiver_try(db, family, step, practiced_at=datetime(2026, 6, 10, 14, 30))
    latest = caregiver_try(db, family, step, practiced_at=datetime(2026, 6, 10, 14, 55))
    child_try(db, family, step,  # the child's own try already has faces
              practiced_at=datetime(2026, 6, 10, 14, 58))
    offered = two_voices.try_to_rate_today(db, family.child, now=now)
    assert (offered.practice_id, offered.step_title) == (latest.id, step.title)
    two_voices.add_child_rating(db, latest, 3, 0)
    assert two_voices.try_to_rate_today(db, family.child, now=now).practice_id == earlier.id


def test_yesterdays_tries_are_not_offered_in_the_familys_own_day(db, family, step):
    zone = ZoneInfo(family.child.family.timezone)
    now = datetime(2026, 6, 10, 0, 30, tzinfo=zone)  # just after local midnight
    caregiver_try(db, family, step,
                  practiced_at=datetime(2026, 6, 9, 23, 50).replace(tzinfo=zone))
    assert two_voices.try_to_rate_today(db, family.child, now=now) is None
    later = caregiver_try(db, family, step,
                          practiced_at=datetime(2026, 6, 10, 0, 10).replace(tzinfo=zone))
    assert two_voices.try_to_rate_today(db, family.child, now=now).practice_id == later.id


def test_the_child_page_offers_the_try(db, family, step):
    assert child_mode.child_page(db, family.child).to_rate is None
    practice = caregiver_try(db, family, step)
    assert child_mode.child_page(db, family.child).to_rate.practice_id == practice.id


# Agreement, from rows the pages already read

def test_agreement_uses_only_tries_rated_by_both(db, family, step):
    for _ in range(3):
        two_voices.add_child_rating(db, caregiver_try(db, family, step, before=2, after=1), 10, 7)
    child_try(db, family, step)  # the child only
    caregiver_try(db, family, step)  # the caregiver only
    rows = practices.newest(db, family.child, 30)[::-1]
    view = two_voices.voices_of(rows)
    assert len(view.rows) == len(view.agreement.tries) == 3
    assert view.agreement.talking_point == SCARIER
    assert view.agreement.mean_gap == pytest.approx(7)
    assert [t.caregiver_before for _, t in view.pairs] == [2, 2, 2]


def test_agreement_with_no_tries_rated_by_both_is_empty(db, family, step):
    caregiver_try(db, family, step)
    view = two_voices.voices_of(practices.newest(db, family.child, 30))
    assert view.rows == [] and view.agreement.mean_gap is None


def test_the_family_export_carries_both_voices(db, family, step):
    practice = child_try(db, family, step, before=10, after=5)
    family_record = family.child.family
    tables = export.family_tables(db, family_record)
    row = next(r for r in tables.tables["practices"] if r["id"] == practice.id)
    assert (row["child_fear_before"], row["child_fear_after"], row["caregiver_rated"]) == (
        10, 5, False)
    document = json.loads(export.as_json(tables, "family"))
    exported = document["children"][0]["practices"][0]
    assert (exported["child_fear_before"], exported["caregiver_rated"]) == (10, False)
    with zipfile.ZipFile(io.BytesIO(export.as_csv_zip(tables))) as archive:
        header = archive.read("practices.csv").decode("utf-8-sig").splitlines()[0]
    assert {"child_fear_before", "child_fear_after", "caregiver_rated"} <= set(header.split(","))
