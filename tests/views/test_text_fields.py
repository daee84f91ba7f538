"""Text posted through the real forms: single-line fields keep one line, notes lose controls.

A newline in a child's name or a step title ends up in email subjects, push payloads and CSV
cells; NUL and other controls break exports. Each case posts to the page that stores the
field and reads back what was stored.
"""
import re

import pytest
from sqlmodel import select

from graded_exposure.models import (
    Avoidance,
    Child,
    Ladder,
    PendingRegistration,
    Practice,
    Step,
    SubStep,
)
from graded_exposure.services.checkins import today_for
from tests.conftest import csrf_from
from tests.factories import make_ladder

ONE_LINE = [
    ("Sam\r\nBcc: Lee", "Sam Bcc: Lee"),  # a header's line break, in any field
    ("\tSam\x00\x0b\x85\u2028\u2029Lee  \x1f", "Sam Lee"),
]


def _register(family, db, text):
    client = family.app.test_client()
    token = csrf_from(client.get("/register").get_data(as_text=True))
    response = client.post("/register", data={
        "display_name": text, "email": "new@example.com", "password": "correct horse battery",
        "role": "caregiver", "timezone": "UTC", "csrf_token": token})
    # The name waits with the emailed sign-up link until the account is made from it.
    return response, lambda: db.exec(select(PendingRegistration.display_name).where(
        PendingRegistration.email == "new@example.com")).one()


def _new_child(family, db, text):
    response = family.post("/children/new", {"display_name": text})
    return response, lambda: db.exec(
        select(Child.display_name).where(Child.id != family.child.id)).one()


def _edit_child(family, db, text):
    response = family.post(f"/children/{family.child.id}/edit", {"display_name": text})
    return response, lambda: db.get(Child, family.child.id).display_name


def _checkin_note(family, db, text):
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"', page)
    response = family.post(f"/children/{family.child.id}/checkin", {
        "day": today_for(family.child).isoformat(), "child_distress": "1",
        "caregiver_distress": "2", "idempotency_key": key.group(1), "avoided_school": "y",
        "note_school": text})
    return response, lambda: db.exec(select(Avoidance.description)).one()


def _new_ladder(family, db, text):
    response = family.post(f"/children/{family.child.id}/ladders/new",
                           {"start": "scratch", "goal": text, "area": "school"})
    return response, lambda: db.exec(select(Ladder.goal)).one()


def _edit_ladder(family, db, text):
    ladder = make_ladder(db, family.child, goal="School", titles=["Gate"])
    response = family.post(f"/ladders/{ladder.id}/edit", {"goal": text, "area": "school"})
    return response, lambda: db.get(Ladder, ladder.id).goal


def _step_title(family, db, text):
    ladder = make_ladder(db, family.child, goal="School", titles=["Gate"])
    response = family.post(f"/ladders/{ladder.id}/steps", {"title": text, "predicted_fear": "3"})
    return response, lambda: db.exec(select(Step.title).where(Step.position == 2)).one()


def _substep(family, db, text):
    step = make_ladder(db, family.child, goal="School", titles=["Gate"]).steps[0]
    response = family.post(f"/steps/{step.id}/substeps", {"text": text})
    return response, lambda: db.exec(select(SubStep.text)).one()


def _calming(family, db, text):
    ladder = make_ladder(db, family.child, goal="School", titles=["Gate"])
    response = family.post(f"/ladders/{ladder.id}/calming", {"custom": text})
    return response, lambda: db.get(Ladder, ladder.id).calming_plan[-1]


@pytest.mark.parametrize("post", [_register, _new_child, _edit_child, _checkin_note, _new_ladder,
                                  _edit_ladder, _step_title, _substep, _calming])
@pytest.mark.parametrize(("typed", "stored"), ONE_LINE)
def test_single_line_fields_store_one_line(family, db, post, typed, stored):
    response, read_back = post(family, db, typed)
    assert response.status_code in (200, 303), response.get_data(as_text=True)
    db.expire_all()
    assert read_back() == stored


@pytest.mark.parametrize("post", [_register, _new_child, _new_ladder, _step_title, _substep])
def test_a_name_of_only_controls_is_refused_and_nothing_stored(family, db, post):
    response, read_back = post(family, db, "\r\n\t\x00\u2028")
    assert response.status_code == 422
    db.expire_all()
    with pytest.raises(Exception, match="No row was found"):
        read_back()


def test_a_practice_note_keeps_its_lines_but_not_other_controls(family, db):
    step = make_ladder(db, family.child, goal="School", titles=["Gate"]).steps[0]
    page = family.client.get(f"/children/{family.child.id}/practices/new?step={step.id}")
    key = re.search(r'name="idempotency_key" type="hidden" value="([0-9a-f]{32})"',
                    page.get_data(as_text=True))
    response = family.post(f"/children/{family.child.id}/practices", {
        "step": step.id, "fear_before": "6", "fear_after": "3", "outcome": "did_it",
        "idempotency_key": key.group(1),
        "note": "Went\x00 well\x07\r\nthen\ttea\u2028home\x1b", "prediction": "\x00\x00"})
    assert response.status_code == 303, response.get_data(as_text=True)
    practice = db.exec(select(Practice)).one()
    assert practice.note == "Went well\nthen\ttea\nhome"
    assert practice.prediction == ""
