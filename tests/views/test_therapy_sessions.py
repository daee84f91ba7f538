"""Session records over HTTP: record after a session, edit, refusals, and who may open them."""
import re
from datetime import date, timedelta

import pytest
from sqlmodel import func, select

from graded_exposure.models import TherapistLink, TherapySession, utcnow
from tests.conftest import HX, Therapist
from tests.factories import link
from tests.hostile_input import SCRIPT


@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


def _new_url(family) -> str:
    return f"/therapist/children/{family.child.id}/sessions/new"


def _key(html: str) -> str:
    return re.search(r'name="idempotency_key"[^>]*value="([0-9a-f]{32})"', html).group(1)


def _common_case(tara, family, **changes) -> dict:
    """What the common case sends: today's date and defaults, plus a few taps."""
    html = tara.page(_new_url(family))
    data = {"idempotency_key": _key(html), "held_on": date.today().isoformat(),
            "mode": "in_person", "attendance": "attended", "presentations": ["withdrawn"],
            "engagement": "3", "calming": ["Roll a therapy ball"], "approach_sand_play": "clicked",
            "approach_music": "partly", "approach_art": "", "wins": ["eye_contact"], "note": ""}
    return {**data, **changes}


def _count(db) -> int:
    return db.exec(select(func.count()).select_from(TherapySession)).one()


def test_the_form_opens_with_todays_date_and_the_common_defaults(family, tara):
    html = tara.page(_new_url(family))
    assert "Record a session" in html
    assert f'value="{date.today().isoformat()}"' in html
    assert re.search(r'checked id="[^"]+" name="mode" type="radio" value="in_person"', html)
    assert re.search(r'checked id="[^"]+" name="attendance" type="radio" value="attended"', html)
    assert "Roll a therapy ball" in html and "Sand-play" in html and "Led the way" in html


def test_the_common_case_is_stored_and_shown_on_the_childs_page(db, family, tara):
    response = tara.post(f"/therapist/children/{family.child.id}/sessions",
                         _common_case(tara, family))
    assert response.status_code == 303
    assert response.headers["Location"].endswith(
        f"/therapist/children/{family.child.id}#sessions")
    record = db.exec(select(TherapySession)).one()
    assert record.approaches == {"sand_play": "clicked", "music": "partly"}
    assert record.engagement == 3 and record.wins == ["eye_contact"]
    html = tara.page(f"/therapist/children/{family.child.id}")
    section = html[html.index('id="sessions"'):]
    assert "Engagement 3 of 5: Joined in a little" in section
    assert "Music: Partly; Sand-play: Clicked" in section
    assert "Small wins: Eye contact" in section
    db.expire_all()
    assert db.exec(select(TherapistLink)).one().last_session_on == date.today()


def test_a_double_tap_on_save_stores_one_record(db, family, tara):
    data = _common_case(tara, family)
    url = f"/therapist/children/{family.child.id}/sessions"
    assert tara.post(url, data).status_code == 303
    assert tara.post(url, data).status_code == 303
    assert _count(db) == 1


@pytest.mark.parametrize("changes, message", [
    ({"held_on": ""}, "Enter the date of the session."),
    ({"held_on": "yesterday"}, "Enter a date, like"),
    ({"held_on": (date.today() + timedelta(days=2)).isoformat()}, "can&#39;t be in the future"),
    ({"mode": "carrier pigeon"}, "Choose in person or telehealth."),
    ({"attendance": ""}, "Choose whether the session happened."),
    ({"engagement": "11"}, "Engagement is a number from 1 to 5."),
    ({"engagement": "lots"}, "Engagement is a number from 1 to 5."),
    ({"approach_art": "adored"}, "clicked, partly or didn"),
    ({"presentations": ["sulky"]}, "Choose what the child showed from the list."),
    ({"wins": ["cake"]}, "Choose the small wins from the list."),
    ({"custom_approach": "Lego"}, "Name your own approach and mark how it went"),
    ({"note": "x" * 2001}, "Keep the note to 2000 characters or fewer."),
    ({"idempotency_key": ""}, "This form has lost its key."),
])
def test_bad_input_is_refused_with_a_clear_message_and_nothing_stored(db, family, tara, changes,
                                                                     message):
    response = tara.post(f"/therapist/children/{family.child.id}/sessions",
                         _common_case(tara, family, **changes))
    assert response.status_code == 422
    assert message in response.get_data(as_text=True)
    assert _count(db) == 0


def test_extra_fields_cannot_choose_the_child_or_the_author(db, family, other_family, tara):
    data = _common_case(tara, family, child_id=other_family.child.id, therapist_id=999)
    tara.post(f"/therapist/children/{family.child.id}/sessions", data)
    record = db.exec(select(TherapySession)).one()
    assert (record.child_id, record.therapist_id) == (family.child.id, tara.user.id)


def test_a_record_opens_filled_in_and_can_be_edited(db, family, tara):
    tara.post(f"/therapist/children/{family.child.id}/sessions",
              _common_case(tara, family, note=SCRIPT))
    record = db.exec(select(TherapySession)).one()
    url = f"/therapist/children/{family.child.id}/sessions/{record.id}"
    html = tara.page(url)
    assert "Session record" in html and SCRIPT not in html and "&lt;script&gt;" in html
    assert re.search(r'checked id="[^"]+" name="approach_sand_play" type="radio" '
                     r'value="clicked"', html)
    response = tara.post(url, {"held_on": date.today().isoformat(), "mode": "telehealth",
                               "attendance": "attended", "engagement": "5",
                               "approach_games": "clicked", "approach_custom": "partly",
                               "custom_approach": "Puppet on screen"})
    assert response.status_code == 303
    db.expire_all()
    record = db.get(TherapySession, record.id)
    assert record.mode == "telehealth" and record.engagement == 5
    assert record.approaches == {"games": "clicked", "custom": "partly"}
    assert "Puppet on screen: Partly" in tara.page(f"/therapist/children/{family.child.id}")


def test_a_refused_edit_keeps_the_record(db, family, tara):
    tara.post(f"/therapist/children/{family.child.id}/sessions", _common_case(tara, family))
    record = db.exec(select(TherapySession)).one()
    url = f"/therapist/children/{family.child.id}/sessions/{record.id}"
    response = tara.post(url, {"held_on": date.today().isoformat(), "mode": "in_person",
                               "attendance": "attended", "engagement": "9"})
    assert response.status_code == 422
    db.expire_all()
    assert db.get(TherapySession, record.id).engagement == 3


def test_another_linked_therapist_cannot_open_or_change_my_record(app, db, family, tara):
    tara.post(f"/therapist/children/{family.child.id}/sessions", _common_case(tara, family))
    record = db.exec(select(TherapySession)).one()
    theo = Therapist(app, db, "theo@example.com", "Theo")
    link(db, theo.user, family.child)
    url = f"/therapist/children/{family.child.id}/sessions/{record.id}"
    assert theo.client.get(url).status_code == 404
    assert theo.post(url, {"held_on": date.today().isoformat(), "mode": "in_person",
                           "attendance": "cancelled"}).status_code == 404
    assert "Withdrawn" not in theo.page(f"/therapist/children/{family.child.id}")


@pytest.mark.parametrize("whose", ["unlinked", "ended"])
def test_without_an_active_link_no_session_record_opens(app, db, family, tara, whose):
    tara.post(f"/therapist/children/{family.child.id}/sessions", _common_case(tara, family))
    record = db.exec(select(TherapySession)).one()
    if whose == "ended":
        row = db.exec(select(TherapistLink)).one()
        row.status, row.ended_at = "ended", utcnow()
        db.commit()
        who = tara
    else:
        who = Therapist(app, db, "theo@example.com", "Theo")
    base = f"/therapist/children/{family.child.id}/sessions"
    for url in (f"{base}/new", f"{base}/{record.id}"):
        assert who.client.get(url).status_code == 404
        assert who.client.get(url, headers=HX).status_code == 404
    assert who.post(base, {"held_on": date.today().isoformat(), "mode": "in_person",
                           "attendance": "attended", "idempotency_key": "a" * 32}
                    ).status_code == 404
    assert _count(db) == 1


def test_caregivers_never_reach_session_records(db, family, tara):
    tara.post(f"/therapist/children/{family.child.id}/sessions", _common_case(tara, family))
    record = db.exec(select(TherapySession)).one()
    base = f"/therapist/children/{family.child.id}/sessions"
    assert family.client.get(f"{base}/new").status_code == 404
    assert family.client.get(f"{base}/{record.id}").status_code == 404


def test_a_key_another_therapist_used_for_the_child_is_refused_not_answered_as_saved(
        app, db, family, tara):
    # Two therapists linked to one child: the second sending the first one's form key (a copy
    # of the form, a shared device) was told "saved" and nothing of theirs was stored.
    first = _common_case(tara, family)
    assert tara.post(f"/therapist/children/{family.child.id}/sessions", first).status_code == 303
    theo = Therapist(app, db, "theo@example.com", "Theo")
    link(db, theo.user, family.child)
    again = {**_common_case(theo, family), "idempotency_key": first["idempotency_key"]}
    response = theo.post(f"/therapist/children/{family.child.id}/sessions", again)
    body = response.get_data(as_text=True)
    assert response.status_code == 422 and "lost its key" in body
    assert _count(db) == 1
    assert db.exec(select(TherapySession)).one().therapist_id == tara.user.id
    # Shown again with a key of its own: Save now stores Theo's record.
    assert _key(body) != first["idempotency_key"]
    assert theo.post(f"/therapist/children/{family.child.id}/sessions",
                     {**again, "idempotency_key": _key(body)}).status_code == 303
    assert _count(db) == 2
