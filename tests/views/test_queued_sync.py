"""Forms sent later from the phone's offline queue: JSON answers, one row per form, the time kept."""
from datetime import UTC, datetime, timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import DayCheckIn, Practice
from graded_exposure.services import login_sessions, steps
from graded_exposure.services.checkins import today_for
from tests.conftest import logged_in_client
from tests.factories import current_step, make_ladder
from tests.lookups import practice_count
from tests.practice_form import form_defaults, open_form

QUEUED = {"X-Queued-Sync": "1"}


@pytest.fixture
def step(db, family):
    return current_step(make_ladder(db, family.child))


def _practice_body(family, step, **fields) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for name, value in form_defaults(open_form(family, step)).values:
        data.setdefault(name, []).append(value)
    data.update({"fear_before": ["6"], "fear_after": ["2"]})
    data.update({name: [str(v)] for name, v in fields.items()})
    return data


def _send_practice(family, data, **headers):
    return family.client.post(f"/children/{family.child.id}/practices", data=data,
                              headers={**QUEUED, **headers})


def _checkin_body(family) -> dict[str, str]:
    page = family.client.get(f"/children/{family.child.id}/checkin").get_data(as_text=True)
    fields = dict(form_defaults(page.replace('class="card"', 'class="practice-form"', 1)).values)
    return {"csrf_token": fields["csrf_token"], "idempotency_key": fields["idempotency_key"],
            "day": today_for(family.child).isoformat(), "child_distress": "3",
            "caregiver_distress": "5"}


def _practices(db) -> list[Practice]:
    db.expire_all()
    return db.exec(select(Practice)).all()


def test_a_queued_practice_is_stored_once_with_the_time_it_was_logged(family, step, db):
    logged = (datetime.now(UTC) - timedelta(hours=5)).replace(microsecond=0)
    data = _practice_body(family, step)
    at = {"X-Queued-At": logged.isoformat().replace("+00:00", "Z")}
    first = _send_practice(family, data, **at)
    again = _send_practice(family, data, **at)
    assert (first.status_code, first.get_json()) == (201, {"saved": True})
    assert (again.status_code, again.get_json()) == (201, {"saved": True})
    [practice] = _practices(db)
    assert practice.practiced_at == logged and practice.fear_before == 6


def test_a_time_entered_on_the_form_wins_over_the_moment_it_was_queued(family, step, db):
    data = _practice_body(family, step, practiced_at="2026-03-01T08:15")  # an old, valid time
    monday = datetime.now(UTC).isoformat()
    assert _send_practice(family, data, **{"X-Queued-At": monday}).status_code == 201
    [practice] = _practices(db)
    assert practice.practiced_at == datetime(2026, 3, 1, 8, 15, tzinfo=UTC)  # London, GMT


@pytest.mark.parametrize("queued_at", ["", "yesterday", "2026-12-01T10:00"])  # none, bad, naive
def test_without_a_clear_queued_time_the_practice_is_stored_now(family, step, db, queued_at):
    response = _send_practice(family, _practice_body(family, step), **{"X-Queued-At": queued_at})
    assert response.status_code == 201
    [practice] = _practices(db)
    assert abs(practice.practiced_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_refused_practice_answers_422_with_the_reason(family, step, db):
    response = _send_practice(family, _practice_body(family, step, fear_after="12"))
    assert response.status_code == 422
    assert response.get_json() == {"error": "Fear is a number from 0 to 10."}
    assert practice_count(db) == 0


def test_a_practice_queued_for_a_deleted_step_answers_404(family, step, db):
    data = _practice_body(family, step)
    steps.delete_step(db, step, family.user)
    response = _send_practice(family, data)
    assert response.status_code == 404 and response.get_json()["error"]
    assert practice_count(db) == 0


def test_a_practice_saved_before_its_step_went_is_still_saved_when_sent_again(family, step, db):
    data = _practice_body(family, step, practiced_at="2020-01-01T10:00")  # refused today
    db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=6, fear_peak=6,
                    fear_after=2, outcome="did_it",
                    idempotency_key=data["idempotency_key"][0]))
    db.commit()
    assert _send_practice(family, data).status_code == 201
    assert practice_count(db) == 1


def test_another_familys_child_answers_404_json(family, other_family, step, db):
    data = _practice_body(family, step)
    response = other_family.client.post(f"/children/{family.child.id}/practices",
                                        data={**data, "csrf_token": other_family.csrf()},
                                        headers=QUEUED)
    assert response.status_code == 404 and "error" in response.get_json()
    assert practice_count(db) == 0


def test_after_logging_out_a_queued_form_answers_401_not_a_redirect(family, step, db):
    data = _practice_body(family, step)
    assert family.post("/logout").status_code in (302, 303)
    response = _send_practice(family, data)
    assert response.status_code == 401
    assert response.get_json() == {"error": "Your session ended. Sign in again, then it will be sent."}
    assert practice_count(db) == 0


def test_after_the_session_ended_on_the_server_a_queued_form_answers_401(family, step, db):
    data = _practice_body(family, step)
    with family.client.session_transaction() as cookie:
        sid = cookie["sid"]
    login_sessions.end(db, sid)
    db.commit()
    response = _send_practice(family, data)
    assert response.status_code == 401 and "Sign in again" in response.get_json()["error"]
    assert practice_count(db) == 0


def test_a_form_from_an_older_session_of_a_signed_in_user_answers_json(family, step, app):
    data = _practice_body(family, step)
    family.post("/logout")
    client = logged_in_client(app, "alex@example.com")  # a new session, with a new token
    response = client.post(f"/children/{family.child.id}/practices", data=data, headers=QUEUED)
    assert response.status_code == 400 and response.get_json()["error"]


def test_the_same_form_without_the_header_still_redirects(family, step):
    response = family.client.post(f"/children/{family.child.id}/practices",
                                  data=_practice_body(family, step))
    assert response.status_code == 303


def test_a_queued_checkin_is_stored_once(family, db):
    data = _checkin_body(family)
    url = f"/children/{family.child.id}/checkin"
    first = family.client.post(url, data=data, headers=QUEUED)
    again = family.client.post(url, data=data, headers=QUEUED)
    assert (first.status_code, first.get_json()) == (201, {"saved": True})
    assert again.status_code == 201
    db.expire_all()
    [checkin] = db.exec(select(DayCheckIn)).all()
    assert (checkin.child_distress, checkin.caregiver_distress) == (3, 5)


def test_a_refused_checkin_answers_422(family, db):
    data = {**_checkin_body(family), "child_distress": "11"}
    response = family.client.post(f"/children/{family.child.id}/checkin", data=data,
                                  headers=QUEUED)
    assert response.status_code == 422 and response.get_json()["error"]
    db.expire_all()
    assert db.exec(select(DayCheckIn)).all() == []


def test_a_checkin_after_logging_out_answers_401(family, db):
    data = _checkin_body(family)
    family.post("/logout")
    response = family.client.post(f"/children/{family.child.id}/checkin", data=data,
                                  headers=QUEUED)
    assert response.status_code == 401 and "Sign in again" in response.get_json()["error"]
