"""The opportunity calendar page: the week day by day, its paging, its readers."""
from datetime import UTC, datetime, timedelta
from uuid import uuid4

import pytest

from graded_exposure.models import Avoidance, DayCheckIn, Practice
from graded_exposure.rules.avoidance_trap import week_start
from graded_exposure.rules.opportunity_calendar import iso_week
from graded_exposure.services.checkins import today_for
from tests.conftest import Therapist
from tests.factories import link, make_ladder
from tests.hostile_input import SCRIPT


def _url(family, week=None):
    return f"/children/{family.child.id}/calendar" + (f"?week={week}" if week else "")


def _week_of_records(db, family):
    """A check-in today with school accommodated and a social contact avoided, a practice now."""
    [step] = make_ladder(db, family.child, titles=[f"Wave {SCRIPT}"], fears=[4]).steps
    db.add(DayCheckIn(child_id=family.child.id, day=today_for(family.child), child_distress=2,
                      caregiver_distress=4, idempotency_key=uuid4().hex, avoidances=[
                          Avoidance(kind="school", description=SCRIPT,
                                    accommodations=["kept_home"]),
                          Avoidance(kind="social")]))
    db.add(Practice(child_id=family.child.id, step_id=step.id, fear_before=6, fear_peak=7,
                    fear_after=3, outcome="did_it", idempotency_key=uuid4().hex,
                    practiced_at=datetime.now(UTC) - timedelta(minutes=1)))
    db.commit()


def test_the_week_shows_each_opportunity_with_a_word_and_a_shape(family, db):
    _week_of_records(db, family)
    response = family.client.get(_url(family))
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "<strong>Accommodated</strong>:" in body and "kept them home" in body
    assert "<strong>Avoided</strong>:" in body and "seeing people" in body
    assert "<strong>Practised</strong>:" in body and "(fear 6, peak 7)" in body
    assert 'class="cal-icon" aria-hidden="true">★' in body
    assert SCRIPT not in body and "&lt;script&gt;" in body
    assert "Today" in body and "Week after" not in body


def test_a_day_without_a_check_in_says_not_recorded_never_faced(family, db):
    today = today_for(family.child)
    monday = week_start(today)
    db.add(DayCheckIn(child_id=family.child.id, day=monday - timedelta(days=7), child_distress=1,
                      caregiver_distress=1, idempotency_key=uuid4().hex))
    db.commit()
    body = family.client.get(_url(family, iso_week(monday - timedelta(days=7)))).get_data(
        as_text=True)
    assert body.count("No check-in this day.") == 6
    assert body.count("<strong>Faced</strong>") == 1  # the Monday that has a check-in
    assert body.count("<strong>Not recorded</strong>") == 4  # Tuesday to Friday
    assert "Week after" in body and "Week before" not in body


@pytest.mark.parametrize("week", ["nonsense", "2026-W00", "2026-W54", "2025-W53", "2026-49",
                                  "0000-W01", "9" * 40, "2026-W4", "%00", "2026-W49%0A"])
def test_an_unreadable_week_shows_this_week_with_a_message(family, db, week):
    response = family.client.get(_url(family, week))
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "We could not read that week, so here is this week." in body
    assert f"Week of {week_start(today_for(family.child)).strftime('%A %-d %B')}" in body


@pytest.mark.parametrize("week", ["2999-W01", "9999-W52", "2000-W01", "1000-W10"])
def test_a_week_out_of_range_shows_the_nearest_week_we_have(family, db, week):
    response = family.client.get(_url(family, week))
    body = response.get_data(as_text=True)
    assert response.status_code == 200 and "could not read" not in body
    assert "Week after" not in body and "Week before" not in body


def test_insights_link_to_the_calendar(family, db):
    body = family.client.get(f"/children/{family.child.id}/insights").get_data(as_text=True)
    assert f'href="{_url(family)}"' in body


def test_a_linked_therapist_sees_it_from_the_child_page(app, db, family):
    _week_of_records(db, family)
    tara = Therapist(app, db)
    row = link(db, tara.user, family.child)
    assert f'href="{_url(family)}"' in tara.page(f"/therapist/children/{family.child.id}")
    body = tara.page(_url(family))
    assert "<strong>Practised</strong>:" in body
    assert f'href="/therapist/children/{family.child.id}"' in body
    row.status, row.ended_at = "ended", datetime.now(UTC)
    db.add(row)
    db.commit()
    assert tara.client.get(_url(family)).status_code == 404


def test_other_families_and_unlinked_therapists_get_404(app, db, family, other_family):
    _week_of_records(db, family)
    assert other_family.client.get(_url(family)).status_code == 404
    assert Therapist(app, db).client.get(_url(family, "2026-W49")).status_code == 404
    assert family.client.get("/children/999999/calendar").status_code == 404


def test_logged_out_goes_to_the_login_page(client, family):
    response = client.get(_url(family))
    assert response.status_code == 302 and "/login" in response.headers["Location"]
