"""The hopelessness flag on the therapist's side: first reason in the caseload and the
since-last-session summary, on the child page with the practice's referral pathway (or a
prompt to set it); the referral pathway itself saved and refused when too long."""
import re
from datetime import timedelta

import pytest
from sqlmodel import select

from graded_exposure.models import TherapySession, User
from graded_exposure.services.checkins import today_for
from tests.conftest import HX, Therapist
from tests.factories import link, quick_family_child

from .test_checkin_more_help import _save

FLAG = "Hopelessness was noted in 2 of the last 3 sessions."
PATHWAY = "Call the duty clinician on extension 214 the same day; see the risk protocol."


@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


def _sessions(db, family, tara, *marks: bool):
    """Weekly sessions, oldest first, the last one yesterday."""
    today = today_for(family.child)
    for n, hopeless in enumerate(marks):
        db.add(TherapySession(
            child_id=family.child.id, therapist_id=tara.user.id,
            held_on=today - timedelta(days=1 + 7 * (len(marks) - 1 - n)), mode="in_person",
            attendance="attended", presentations=["hopeless"] if hopeless else ["engaged"],
            idempotency_key=f"s-{n}"))
    db.commit()


def _case(html: str, child_id: int) -> str:
    return html[html.index(f'id="case-{child_id}"'):html.index("</ol>")]


def test_two_of_the_last_three_sessions_raise_it_first_everywhere(db, family, tara):
    _sessions(db, family, tara, True, False, True)
    case = _case(tara.page("/"), family.child.id)
    assert "Needs attention" in case and FLAG in case
    assert case.index(FLAG) < case.index("Behind target")
    summary = tara.page(f"/therapist/children/{family.child.id}/summary")
    assert FLAG in summary and summary.index(FLAG) < summary.index("Behind target")
    page = tara.page(f"/therapist/children/{family.child.id}")
    assert 'id="hopelessness"' in page and FLAG in page


def test_one_session_or_an_old_one_raises_nothing(db, family, tara):
    _sessions(db, family, tara, True, True, False, False, True)
    assert "Hopelessness was noted" not in tara.page("/")  # ("Hopelessness noted" is a filter)
    assert "Hopelessness" not in tara.page(f"/therapist/children/{family.child.id}/summary")
    assert 'id="hopelessness"' not in tara.page(f"/therapist/children/{family.child.id}")


def test_a_caregivers_check_in_raises_it_and_an_ordinary_bad_day_does_not(db, family, tara):
    _save(family, child_distress="10", caregiver_distress="10", avoided_school="y")
    assert "nothing will help" not in tara.page("/")
    _save(family, hopeless_words="y")
    case = _case(tara.page("/"), family.child.id)
    assert "said things like \u201cnothing will help\u201d" in case


def test_without_a_referral_pathway_the_therapist_is_asked_to_set_it(db, family, tara):
    _sessions(db, family, tara, True, True)
    page = tara.page(f"/therapist/children/{family.child.id}")
    assert "You have not set your practice's referral pathway yet." in page
    summary = tara.page(f"/therapist/children/{family.child.id}/summary")
    assert "referral pathway yet" in summary


def test_the_referral_pathway_is_saved_and_shown_with_the_flag(db, family, tara):
    _sessions(db, family, tara, True, True)
    url = f"/therapist/children/{family.child.id}"
    response = tara.post(f"{url}/referral-pathway", {"referral_text": PATHWAY}, headers=HX)
    assert response.status_code == 200 and "Referral pathway saved." in response.text
    assert tara.post(f"{url}/referral-pathway", {"referral_text": PATHWAY}).headers[
        "Location"] == f"{url}#link-settings"
    for page in (tara.page(url), tara.page(f"{url}/summary")):
        assert f"What your practice does next:</strong> {PATHWAY}" in page


@pytest.mark.parametrize("htmx", [False, True])
def test_a_referral_pathway_over_1000_characters_is_refused(db, family, tara, htmx):
    response = tara.post(f"/therapist/children/{family.child.id}/referral-pathway",
                         {"referral_text": "x" * 1001}, headers=HX if htmx else {})
    assert response.status_code == 422
    assert "Keep the referral pathway to 1000 characters or fewer." in response.text
    db.expire_all()
    assert db.exec(select(User).where(User.id == tara.user.id)).one().referral_text == ""


def test_the_family_never_sees_the_therapists_flag(db, family, tara):
    _sessions(db, family, tara, True, True)
    home = family.client.get(f"/children/{family.child.id}").get_data(as_text=True)
    assert "Hopelessness" not in home and "referral" not in home



def test_the_caseload_can_show_only_children_with_hopelessness_noted(db, family, tara):
    other = quick_family_child(db, 1)
    link(db, tara.user, other)
    _sessions(db, family, tara, True, False, True)
    assert f'id="case-{other.id}"' in tara.page("/")
    html = tara.page("/?flag=hopelessness")
    assert f'id="case-{family.child.id}"' in html and f'id="case-{other.id}"' not in html
    assert re.search(r'<option[^>]*value="hopelessness"[^>]*>Hopelessness noted</option>', html)
