"""Live (telehealth) sessions over HTTP: start, join, faces, polls, brave try now, end, consent."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import AuditEvent, LiveSession, Practice, TherapistLink, utcnow
from graded_exposure.services import therapist_links
from tests.conftest import HX, Therapist
from tests.factories import current_step, link, template_ladder
from tests.lookups import counted_statements
from tests.practice_form import open_form, submit


@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


@pytest.fixture
def ladder(db, family):
    return template_ladder(db, family.child, by=family.user)


def _start(tara, child) -> int:
    response = tara.post(f"/therapist/children/{child.id}/live")
    assert response.status_code == 303, response.status_code
    return int(re.search(r"/therapist/live/(\d+)$", response.headers["Location"]).group(1))


def _live(db, live_id) -> LiveSession:
    db.expire_all()
    return db.get(LiveSession, live_id)


# ---- starting, joining, tapping a face -----------------------------------------------------

def test_a_linked_therapist_starts_a_session_with_a_time_limit_and_it_is_audited(
        app, db, family, tara):
    live_id = _start(tara, family.child)
    live = _live(db, live_id)
    assert (live.child_id, live.therapist_id, live.ended_at) == (family.child.id, tara.user.id, None)
    limit = live.ends_at - live.started_at
    assert limit == app.config["LIVE_SESSION_LIMIT"] == timedelta(minutes=60)
    html = tara.page(f"/therapist/live/{live_id}")
    assert "Live session with Sam" in html
    assert f'value="http://localhost/live/{live_id}"' in html  # the family's link
    assert "Waiting for Sam to tap a face" in html
    assert db.exec(select(AuditEvent).where(AuditEvent.action == "live_session_started")).one()


def test_the_time_limit_comes_from_the_setting(app, db, family, tara):
    app.config["LIVE_SESSION_LIMIT"] = timedelta(minutes=20)
    try:
        live = _live(db, _start(tara, family.child))
    finally:
        app.config["LIVE_SESSION_LIMIT"] = timedelta(minutes=60)
    assert live.ends_at - live.started_at == timedelta(minutes=20)


def test_starting_again_ends_the_earlier_session(db, family, tara):
    first = _start(tara, family.child)
    second = _start(tara, family.child)
    assert _live(db, first).ended_at is not None and _live(db, second).ended_at is None


def test_the_family_taps_a_face_and_the_therapist_poll_shows_it(db, family, tara):
    live_id = _start(tara, family.child)
    page = family.client.get(f"/live/{live_id}").get_data(as_text=True)
    assert "How do you feel right now?" in page and page.count('name="face"') == 5
    # Nothing new yet: the therapist's poll with the version it shows is an empty 204.
    assert tara.client.get(f"/therapist/live/{live_id}/face?v=0", headers=HX).status_code == 204
    response = family.post(f"/live/{live_id}/face", {"face": "worried"}, headers=HX)
    assert response.status_code == 200
    assert "You showed" in response.get_data(as_text=True)
    assert "Worried" in response.get_data(as_text=True)
    live = _live(db, live_id)
    assert (live.face, live.version) == ("worried", 1) and live.rated_at is not None
    poll = tara.client.get(f"/therapist/live/{live_id}/face?v=0", headers=HX)
    body = poll.get_data(as_text=True)
    assert poll.status_code == 200 and "Worried" in body and "Just now" in body
    assert "v=1" in body  # the next poll asks from the new version
    assert tara.client.get(f"/therapist/live/{live_id}/face?v=1&fresh=1",
                           headers=HX).status_code == 204


def test_a_face_no_longer_fresh_is_shown_once_more_with_its_time(db, family, tara):
    live_id = _start(tara, family.child)
    family.post(f"/live/{live_id}/face", {"face": "happy"})
    live = _live(db, live_id)
    live.rated_at = utcnow() - timedelta(minutes=2)
    db.commit()
    poll = tara.client.get(f"/therapist/live/{live_id}/face?v=1&fresh=1", headers=HX)
    assert poll.status_code == 200 and "Just now" not in poll.get_data(as_text=True)
    assert "At " in poll.get_data(as_text=True)
    assert tara.client.get(f"/therapist/live/{live_id}/face?v=1", headers=HX).status_code == 204


def test_without_javascript_a_face_is_a_form_post_and_redirect(db, family, tara):
    live_id = _start(tara, family.child)
    response = family.post(f"/live/{live_id}/face", {"face": "very_happy"})
    assert response.status_code == 303
    assert response.headers["Location"].endswith(f"/live/{live_id}?chose=very_happy")
    page = family.client.get(response.headers["Location"]).get_data(as_text=True)
    assert "You showed" in page and "Very happy" in page


@pytest.mark.parametrize("face", ["", "furious", "x" * 5000, "<script>"])
def test_an_unknown_face_is_refused_with_a_message_and_nothing_stored(db, family, tara, face):
    live_id = _start(tara, family.child)
    for headers in ({}, HX):
        response = family.post(f"/live/{live_id}/face", {"face": face}, headers=headers)
        assert response.status_code == 422
        assert "Tap one of the faces." in response.get_data(as_text=True)
    assert _live(db, live_id).version == 0


def test_a_face_needs_a_csrf_token(db, family, tara):
    live_id = _start(tara, family.child)
    assert family.client.post(f"/live/{live_id}/face", data={"face": "ok"}).status_code == 400
    assert _live(db, live_id).version == 0


def test_a_caregiver_in_child_mode_can_still_use_the_live_page(db, family, tara):
    live_id = _start(tara, family.child)
    family.post(f"/children/{family.child.id}/child-mode")
    assert family.client.get(f"/live/{live_id}").status_code == 200
    assert family.post(f"/live/{live_id}/face", {"face": "ok"}).status_code == 303
    assert family.client.get("/").status_code == 302  # everything else still leads back


# ---- ending -----------------------------------------------------------------------------------

def test_ending_the_session_stops_both_screens(db, family, tara):
    live_id = _start(tara, family.child)
    assert family.client.get(f"/live/{live_id}/status", headers=HX).status_code == 204
    assert tara.post(f"/therapist/live/{live_id}/end").status_code == 303
    assert _live(db, live_id).ended_at is not None
    # htmx 2 stops polling on 286; both answers say it ended.
    status = family.client.get(f"/live/{live_id}/status", headers=HX)
    assert status.status_code == 286 and "This live session has ended." in status.get_data(as_text=True)
    poll = tara.client.get(f"/therapist/live/{live_id}/face?v=1", headers=HX)
    assert poll.status_code == 286 and "hx-trigger" not in poll.get_data(as_text=True)
    page = family.client.get(f"/live/{live_id}").get_data(as_text=True)
    assert "This live session has ended." in page and 'name="face"' not in page
    refused = family.post(f"/live/{live_id}/face", {"face": "ok"}, headers=HX)
    assert refused.status_code == 422 and "has ended" in refused.get_data(as_text=True)
    assert _live(db, live_id).face == ""
    screen = tara.page(f"/therapist/live/{live_id}")
    assert "This live session has ended." in screen and "End session" not in screen


def test_a_session_past_its_time_limit_has_ended(db, family, tara):
    live_id = _start(tara, family.child)
    live = _live(db, live_id)
    live.ends_at = utcnow() - timedelta(seconds=1)
    db.commit()
    assert family.client.get(f"/live/{live_id}/status", headers=HX).status_code == 286
    assert family.post(f"/live/{live_id}/face", {"face": "ok"}).status_code == 422
    assert "has ended" in family.client.get(f"/live/{live_id}").get_data(as_text=True)


# ---- consent ----------------------------------------------------------------------------------

def test_after_unlink_neither_side_can_open_the_session_and_it_ends(db, family, tara):
    live_id = _start(tara, family.child)
    row = db.exec(select(TherapistLink)).one()
    therapist_links.end_link(db, row, family.user)
    assert _live(db, live_id).ended_at is not None
    for url in (f"/therapist/live/{live_id}", f"/therapist/live/{live_id}/face?v=0"):
        assert tara.client.get(url).status_code == 404, url
    assert tara.post(f"/therapist/live/{live_id}/tries", {}).status_code == 404
    assert tara.post(f"/therapist/children/{family.child.id}/live").status_code == 404
    for url in (f"/live/{live_id}", f"/live/{live_id}/status"):
        assert family.client.get(url).status_code == 404, url
    assert family.post(f"/live/{live_id}/face", {"face": "ok"}).status_code == 404


def test_a_link_ended_behind_the_session_stops_it_on_the_next_request(db, family, tara):
    """Even without end_link (a row changed by hand), access checks the link on every poll."""
    live_id = _start(tara, family.child)
    row = db.exec(select(TherapistLink)).one()
    row.status, row.ended_at = "ended", utcnow()
    db.commit()
    assert tara.client.get(f"/therapist/live/{live_id}/face?v=0").status_code == 404
    assert family.client.get(f"/live/{live_id}").status_code == 404


def test_screens_left_open_when_the_link_ends_stop_polling_and_say_so(db, family, tara):
    """Found from outside: the therapist's shared screen kept the child's name and next step
    up, asking every second for ever (each answer a 404), and the family's screen the same
    every three seconds. Each poll now ends its screen: the therapist is taken to the
    caseload, told why without the child's name; the family's screen says the session ended."""
    live_id = _start(tara, family.child)
    therapist_links.end_link(db, db.exec(select(TherapistLink)).one(), family.user)
    poll = tara.client.get(f"/therapist/live/{live_id}/face?v=0", headers=HX)
    assert poll.status_code == 286  # stops htmx polling
    assert poll.headers["HX-Redirect"] == "/"
    assert family.child.display_name not in poll.get_data(as_text=True)
    caseload = tara.page("/")
    assert "This live session ended: the family has ended your link." in caseload
    status = family.client.get(f"/live/{live_id}/status", headers=HX)
    assert status.status_code == 286
    assert "This live session has ended." in status.get_data(as_text=True)
    # Nobody else learns the session existed.
    other = Therapist(family.app, db, email="theo@example.com", name="Theo")
    assert other.client.get(f"/therapist/live/{live_id}/face?v=0", headers=HX).status_code == 404


def test_a_therapist_without_a_link_can_neither_start_nor_open_a_session(app, db, family, tara):
    live_id = _start(tara, family.child)
    theo = Therapist(app, db, email="theo@example.com", name="Theo")
    assert theo.post(f"/therapist/children/{family.child.id}/live").status_code == 404
    for url in (f"/therapist/live/{live_id}", f"/therapist/live/{live_id}/face?v=0",
                f"/live/{live_id}"):
        assert theo.client.get(url).status_code == 404, url
    for url in (f"/therapist/live/{live_id}/end", f"/therapist/live/{live_id}/tries"):
        assert theo.post(url, {}).status_code == 404, url
    assert _live(db, live_id).ended_at is None
    assert db.exec(select(LiveSession)).all() == [_live(db, live_id)]


def test_another_therapist_linked_to_the_child_cannot_open_this_therapists_session(
        app, db, family, tara):
    live_id = _start(tara, family.child)
    theo = Therapist(app, db, email="theo@example.com", name="Theo")
    link(db, theo.user, family.child)
    assert theo.client.get(f"/therapist/live/{live_id}").status_code == 404
    assert theo.post(f"/therapist/live/{live_id}/end").status_code == 404


def test_another_family_cannot_join_or_tap(app, db, family, other_family, tara):
    live_id = _start(tara, family.child)
    for url in (f"/live/{live_id}", f"/live/{live_id}/status"):
        assert other_family.client.get(url).status_code == 404, url
    assert other_family.post(f"/live/{live_id}/face", {"face": "ok"}).status_code == 404
    assert _live(db, live_id).version == 0


def test_caregivers_never_reach_the_therapists_side(db, family, tara):
    live_id = _start(tara, family.child)
    assert family.post(f"/therapist/children/{family.child.id}/live").status_code == 404
    assert family.client.get(f"/therapist/live/{live_id}").status_code == 404
    assert family.post(f"/therapist/live/{live_id}/end").status_code == 404
    assert _live(db, live_id).ended_at is None


# ---- brave try now ------------------------------------------------------------------------------

def test_brave_try_now_records_a_practice_in_session_once(db, family, tara, ladder):
    live_id = _start(tara, family.child)
    step = current_step(ladder)
    data = {"step": str(step.id), "fear_before": "6", "fear_after": "3",
            "idempotency_key": "a" * 32}
    first = tara.post(f"/therapist/live/{live_id}/tries", data, headers=HX)
    assert first.status_code == 200
    body = first.get_data(as_text=True)
    assert "Saved: a brave try in session" in body and step.title in body
    again = tara.post(f"/therapist/live/{live_id}/tries", data, headers=HX)  # a double tap
    assert again.status_code == 200
    practice = db.exec(select(Practice)).one()
    assert (practice.step_id, practice.fear_before, practice.fear_after, practice.in_session,
            practice.logged_by_id) == (step.id, 6, 3, True, tara.user.id)
    without_js = tara.post(f"/therapist/live/{live_id}/tries", {**data, "idempotency_key": "b" * 32})
    assert without_js.status_code == 303
    assert len(db.exec(select(Practice)).all()) == 2
    assert "Tried in this session" in tara.page(f"/therapist/live/{live_id}")


def test_a_practice_logged_at_home_is_not_in_session(db, family, ladder):
    step = current_step(ladder)
    response = submit(family, open_form(family, step), fear_before=5, fear_after=2)
    assert response.status_code == 303, response.get_data(as_text=True)
    assert db.exec(select(Practice)).one().in_session is False


@pytest.mark.parametrize("data, message", [
    ({"fear_before": "11", "fear_after": "3"}, "Choose the fear before, from 0 to 10."),
    ({"fear_before": "x", "fear_after": "3"}, "Choose the fear before, from 0 to 10."),
    ({"fear_before": "4"}, "Choose the fear after, from 0 to 10."),
    ({"fear_before": "4", "fear_after": "3", "step": "999999"}, "Choose one of the steps shown."),
    ({"fear_before": "4", "fear_after": "3", "step": "abc"}, "Choose one of the steps shown."),
])
def test_bad_brave_tries_are_refused_with_a_message_and_nothing_stored(
        db, family, tara, ladder, data, message):
    live_id = _start(tara, family.child)
    data = {"step": str(current_step(ladder).id), "idempotency_key": "d" * 32, **data}
    for headers in ({}, HX):
        response = tara.post(f"/therapist/live/{live_id}/tries", data, headers=headers)
        assert response.status_code == 422
        assert message in response.get_data(as_text=True)
    assert db.exec(select(Practice)).all() == []


def test_a_step_of_another_child_is_refused(db, family, other_family, tara, ladder):
    theirs = current_step(template_ladder(db, other_family.child, by=other_family.user))
    live_id = _start(tara, family.child)
    response = tara.post(f"/therapist/live/{live_id}/tries",
                         {"step": str(theirs.id), "fear_before": "4", "fear_after": "2",
                          "idempotency_key": "e" * 32})
    assert response.status_code == 422
    assert db.exec(select(Practice)).all() == []


def test_no_brave_try_after_the_session_ended(db, family, tara, ladder):
    live_id = _start(tara, family.child)
    tara.post(f"/therapist/live/{live_id}/end")
    response = tara.post(f"/therapist/live/{live_id}/tries",
                         {"step": str(current_step(ladder).id), "fear_before": "4",
                          "fear_after": "2", "idempotency_key": "f" * 32})
    assert response.status_code == 422 and "has ended" in response.get_data(as_text=True)
    assert db.exec(select(Practice)).all() == []


def test_stored_text_is_inert_on_both_screens(db, family, tara, ladder):
    step = current_step(ladder)
    step.title = "<script>alert(1)</script>"
    family.child.display_name = "<b>Sam</b>"
    db.commit()
    live_id = _start(tara, family.child)
    for html in (tara.page(f"/therapist/live/{live_id}"),
                 family.client.get(f"/live/{live_id}").get_data(as_text=True)):
        assert "<script>alert" not in html and "<b>Sam" not in html


# ---- cost ---------------------------------------------------------------------------------------

def test_both_screens_and_polls_load_without_lazy_loads(app, db, family, tara, ladder, monkeypatch):
    live_id = _start(tara, family.child)
    family.post(f"/live/{live_id}/face", {"face": "ok"})
    monkeypatch.setitem(app.config, "RAISE_ON_LAZY_LOAD", True)
    for client, url in ((tara.client, f"/therapist/live/{live_id}"),
                        (tara.client, f"/therapist/live/{live_id}/face"),
                        (family.client, f"/live/{live_id}")):
        assert client.get(url, headers=HX).status_code == 200, url
    assert family.client.get(f"/live/{live_id}/status", headers=HX).status_code == 204


def test_an_unchanged_poll_reads_the_login_and_the_session_only(app, db, family, tara):
    """The poll every open screen sends each second: the login session, then one statement for
    the live session with its child, family and consent check; nothing more."""
    live_id = _start(tara, family.child)
    url = f"/therapist/live/{live_id}/face?v=0"
    tara.client.get(url, headers=HX)  # warm
    with counted_statements(app.extensions["db_engine"]) as statements:
        response = tara.client.get(url, headers=HX)
    assert response.status_code == 204 and response.get_data() == b""
    live_reads = [s for s in statements if "livesession" in s.lower()]
    assert len(live_reads) == 1 and "therapistlink" in live_reads[0].lower()
    assert len(statements) == 2, statements


def test_fuzzed_faces_and_brave_tries_never_answer_500(db, family, tara, ladder):
    from hypothesis import HealthCheck, given, settings
    from hypothesis import strategies as st

    live_id = _start(tara, family.child)
    values = st.one_of(st.text(max_size=2000), st.integers(-10**20, 10**20).map(str),
                       st.sampled_from(["", "0", "10", "11", "-1", "\x00", "ok", "worried"]))

    @settings(max_examples=25, deadline=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
    @given(st.fixed_dictionaries({}, optional=dict.fromkeys(
        ["face", "step", "fear_before", "fear_after", "idempotency_key"], values)))
    def submit(data):
        assert family.post(f"/live/{live_id}/face", data).status_code < 500, data
        assert tara.post(f"/therapist/live/{live_id}/tries", data).status_code < 500, data

    submit()


def test_deleting_the_child_deletes_its_live_sessions(db, family, tara):
    live_id = _start(tara, family.child)
    assert family.post(f"/children/{family.child.id}/delete", {"confirm": "yes"}).status_code == 303
    db.expire_all()
    assert db.get(LiveSession, live_id) is None
