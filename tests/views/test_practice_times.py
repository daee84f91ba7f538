"""A practice's time as the family typed it, in the family's zone: out-of-range dates refused
in words (never a 500), and an edit that leaves the time alone leaves the stored moment alone.
Found from outside (a time-zone audit): the family's zone here is not London's."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import Practice, utcnow
from graded_exposure.services import families
from tests.factories import current_step, make_ladder
from tests.practice_form import form_defaults, open_form, submit

CHECK = "Check the date and time"


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def _stored(db, family, step, when) -> Practice:
    practice = Practice(child_id=family.child.id, step_id=step.id, fear_before=5, fear_peak=6,
                        fear_after=2, outcome="did_it", idempotency_key="stored-one",
                        practiced_at=when, logged_by_id=family.user.id)
    db.add(practice)
    db.commit()
    return practice


@pytest.mark.parametrize(("zone", "when"), [
    ("Asia/Tokyo", "0001-01-01T00:00"), ("Pacific/Kiritimati", "0001-01-01T08:00"),
    ("America/Los_Angeles", "9999-12-31T23:59"), ("Pacific/Pago_Pago", "9999-12-31T23:59")])
def test_a_time_beyond_the_calendar_in_the_familys_zone_is_refused_in_words(
        db, family, step, zone, when):
    families.set_timezone(db, family.user.family, zone)
    response = submit(family, open_form(family, step), fear_before=5, fear_after=2,
                      practiced_at=when)
    assert response.status_code == 422
    assert CHECK in response.get_data(as_text=True)
    assert db.exec(select(Practice)).all() == []


def test_an_edit_to_a_time_beyond_the_calendar_is_refused_in_words(db, family, step):
    families.set_timezone(db, family.user.family, "Asia/Tokyo")
    practice = _stored(db, family, step, datetime(2026, 6, 1, 10, tzinfo=UTC))
    url = f"/practices/{practice.id}/edit"
    data = dict(form_defaults(family.client.get(url).get_data(as_text=True)).values)
    response = family.post(url, data={**data, "practiced_at": "0001-01-01T00:00"})
    assert response.status_code == 422
    assert CHECK in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Practice, practice.id).practiced_at == datetime(2026, 6, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize("queued_at", ["0001-01-01T00:00:00+01:00", "9999-12-31T23:59:59-01:00"])
def test_a_queued_form_with_a_time_beyond_the_calendar_is_saved_as_sent_now(
        db, family, step, queued_at):
    """The phone's own clock said something impossible: the header is not clear, so the
    practice is stored at the time it arrived (as with no header), not a 500 retried for ever."""
    data = {}
    for name, value in form_defaults(open_form(family, step)).values:
        data.setdefault(name, []).append(value)
    data.update(fear_before=["5"], fear_after=["2"], outcome=["did_it"])
    data.pop("practiced_at", None)
    response = family.client.post(f"/children/{family.child.id}/practices", data=data,
                                  headers={"X-Queued-Sync": "1", "X-Queued-At": queued_at})
    assert response.status_code == 201
    [stored] = db.exec(select(Practice)).all()
    assert abs(stored.practiced_at - utcnow()) < timedelta(minutes=1)


def _edit_only_the_note(family, practice: Practice):
    url = f"/practices/{practice.id}/edit"
    data = dict(form_defaults(family.client.get(url).get_data(as_text=True)).values)
    return family.post(url, data={**data, "note": "Went better than we thought"})


def test_editing_only_the_note_of_a_practice_over_a_year_old_keeps_it(db, family, step):
    """The edit form shows minutes; the stored time has seconds. Left as shown, the time is the
    stored one, not a new moment a year old to be refused."""
    when = (utcnow() - timedelta(days=400)).replace(second=17)
    practice = _stored(db, family, step, when)
    assert _edit_only_the_note(family, practice).status_code == 303
    db.expire_all()
    kept = db.get(Practice, practice.id)
    assert (kept.note, kept.practiced_at) == ("Went better than we thought", when)


def test_editing_only_the_note_keeps_the_second_of_two_half_past_ones(db, family, step):
    """London, 25 Oct 2026: 01:30 comes twice (00:30 and 01:30 UTC). A practice at the second
    was moved an hour back, to the first, by an edit of its note."""
    when = datetime(2026, 10, 25, 1, 30, tzinfo=UTC)
    practice = _stored(db, family, step, when)
    assert _edit_only_the_note(family, practice).status_code == 303
    db.expire_all()
    assert db.get(Practice, practice.id).practiced_at == when
