"""The child's home screen: ladder cards one tap from logging, recent practices, bounded queries."""
import re
from datetime import timedelta
from uuid import uuid4
from zoneinfo import ZoneInfo

from sqlmodel import select

from graded_exposure.models import Practice, utcnow
from graded_exposure.services.child_overview import RECENT_PRACTICES
from tests.factories import add_practices, current_step, make_ladder
from tests.lookups import counted_statements


def home(family) -> str:
    response = family.client.get(f"/children/{family.child.id}")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_each_active_ladder_has_a_one_tap_log_practice_button(db, family):
    school = make_ladder(db, family.child, goal="Go to school", steps=4, mastered=1)
    shops = make_ladder(db, family.child, goal="Go to the shops")
    make_ladder(db, family.child, goal="Archived goal", status="archived")
    html = home(family)
    for ladder in (school, shops):
        step = current_step(ladder)
        assert ladder.goal in html and step.title in html
        assert f'href="/children/{family.child.id}/practices/new?step={step.id}"' in html
    assert "Archived goal" not in html
    assert html.count(">Log practice<") == 2
    assert 'aria-label="1 of 4 steps mastered"' in html
    assert html.count('<span class="mastered"></span>') == 1


def test_the_home_button_leads_straight_to_the_form_for_that_step(db, family):
    step = current_step(make_ladder(db, family.child))
    link = re.search(r'href="(/children/\d+/practices/new\?step=\d+)"', home(family)).group(1)
    form = family.client.get(link).get_data(as_text=True)
    assert f'name="step" value="{step.id}"' in form


def test_without_ladders_the_home_screen_offers_to_build_one(family):
    html = home(family)
    assert "Build a first ladder" in html
    assert f'href="/children/{family.child.id}/ladders/new"' in html
    assert "Log practice" not in html


def test_recent_practices_show_local_time_fear_outcome_and_who_logged(db, family):
    step = current_step(make_ladder(db, family.child))
    when = utcnow().replace(microsecond=0) - timedelta(hours=1)
    practice = Practice(child_id=family.child.id, step_id=step.id, fear_before=7, fear_peak=8,
                        fear_after=2, outcome="left_early", logged_by_id=family.user.id,
                        idempotency_key=uuid4().hex, practiced_at=when)
    db.add(practice)
    db.commit()
    html = home(family)
    local = when.astimezone(ZoneInfo("Europe/London"))
    assert local.strftime("%H:%M") in html and f"{local.day} {local.strftime('%b')}" in html
    assert "Fear 7 → 8 → 2" in html and "Left early" in html and "by alex" in html
    assert f'href="/practices/{practice.id}/edit"' in html
    assert f'href="/children/{family.child.id}/practices"' in html


def test_recent_practices_stop_at_five_newest_first(db, family):
    ladder = make_ladder(db, family.child)
    add_practices(db, family.child, ladder.steps, 7)
    html = home(family)
    assert html.count('class="practice-row"') == RECENT_PRACTICES == 5
    newest = db.exec(select(Practice.id).order_by(Practice.practiced_at.desc()).limit(5)).all()
    shown = [int(i) for i in re.findall(r'id="practice-(\d+)"', html)]
    assert shown == newest
    assert "All practices" in html


def test_child_switcher_is_kept(db, family):
    family.post("/children/new", {"display_name": "Leo"})
    html = home(family)
    assert 'aria-label="Switch child"' in html and "Leo" in html


def test_home_screen_queries_do_not_grow_with_ladders_or_practices(app, db, family):
    engine = app.extensions["db_engine"]
    first = make_ladder(db, family.child)
    add_practices(db, family.child, first.steps, 3, logged_by_id=family.user.id)
    home(family)  # warm up: the login session's last-seen write happens at most once
    with counted_statements(engine) as small:
        small_html = home(family)
    more = [make_ladder(db, family.child, goal=f"Goal {i}", steps=8, mastered=i) for i in range(5)]
    steps = [s for ladder in more for s in ladder.steps]
    add_practices(db, family.child, steps, 45, logged_by_id=family.user.id)
    with counted_statements(engine) as large:
        large_html = home(family)
    assert small_html.count(">Log practice<") == 1 and large_html.count(">Log practice<") == 6
    assert small_html.count('class="practice-row"') == 3
    assert large_html.count('class="practice-row"') == RECENT_PRACTICES
    assert len(small) == len(large), "\n".join(large)
