"""What clicks over HTTP: the chart and ranking on the therapist's pages, the family's card."""
from datetime import date, timedelta

import pytest

from graded_exposure.models import Child, TherapySession
from tests.conftest import Therapist
from tests.factories import link


@pytest.fixture
def tara(app, db, family):
    therapist = Therapist(app, db)
    link(db, therapist.user, family.child)
    return therapist


def _sessions(db, tara, family, levels):
    today = date.today()
    for n, level in enumerate(levels):
        db.add(TherapySession(child_id=family.child.id, therapist_id=tara.user.id,
                              held_on=today - timedelta(days=7 * (len(levels) - n)),
                              mode="telehealth", attendance="attended", engagement=level,
                              approaches={"games": "clicked"} if level >= 4 else {"art": "didnt"},
                              calming=["Roll a therapy ball"] if level >= 4 else [],
                              idempotency_key=f"s{n}"))
    db.commit()


def test_the_childs_page_says_how_many_more_sessions_before_it_speaks(db, family, tara):
    _sessions(db, tara, family, [3, 4])
    html = tara.page(f"/therapist/children/{family.child.id}")
    section = html[html.index('id="what-clicks"'):]
    assert "Based on 2 sessions so far: this shows what clicks after 2 more" in section
    assert "<svg" in section and "Show the sessions" in section
    assert "Share with family" not in section


def test_with_enough_sessions_the_ranking_shows_with_what_it_rests_on(db, family, tara):
    _sessions(db, tara, family, [2, 4, 1, 5, 4])
    html = tara.page(f"/therapist/children/{family.child.id}")
    section = html[html.index('id="what-clicks"'):]
    assert section.index("<strong>Games</strong>") < section.index("<strong>Art</strong>")
    assert "4.33 of 5 on average, tried in 3 sessions" in section
    assert "Based on 5 sessions with an engagement level" in section
    summary = tara.page(f"/therapist/children/{family.child.id}/summary")
    assert "What clicks for Sam" in summary and "<strong>Games</strong>" in summary
    assert "Share with family" not in summary


def test_sharing_puts_what_helps_on_the_familys_home_until_withdrawn(db, family, tara):
    _sessions(db, tara, family, [2, 4, 1, 5, 4])
    home = f"/children/{family.child.id}"
    assert "What helps Sam join in" not in family.client.get(home).get_data(as_text=True)
    response = tara.post(f"/therapist/children/{family.child.id}/what-helps")
    assert response.status_code == 303
    page = family.client.get(home).get_data(as_text=True)
    card = page[page.index('id="what-helps"'):]
    assert "What helps Sam join in" in card and "Games" in card
    assert "Calm the body first: Roll a therapy ball." in card and "Art" not in card
    assert "Withdraw from family" in tara.page(f"/therapist/children/{family.child.id}")
    assert tara.post(f"/therapist/children/{family.child.id}/what-helps/withdraw"
                     ).status_code == 303
    assert "What helps Sam join in" not in family.client.get(home).get_data(as_text=True)


def test_sharing_too_early_is_refused_in_plain_words_and_nothing_shared(db, family, tara):
    _sessions(db, tara, family, [4, 5])
    response = tara.post(f"/therapist/children/{family.child.id}/what-helps",
                         follow_redirects=True)
    assert "There is nothing to share yet" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(Child, family.child.id).what_helps == {}


def test_the_family_cannot_share_or_withdraw_it_themselves(db, family, tara):
    _sessions(db, tara, family, [2, 4, 1, 5, 4])
    assert family.post(f"/therapist/children/{family.child.id}/what-helps").status_code == 404
    db.expire_all()
    assert db.get(Child, family.child.id).what_helps == {}
