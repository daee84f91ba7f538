"""A check-in noting hopeless words: stored, and the family sees a calm card pointing to help
for 14 days; an ordinary bad day (high distress, avoidance) shows no card."""
from datetime import timedelta

from sqlmodel import select

from graded_exposure.config import parse_crisis_lines
from graded_exposure.models import DayCheckIn
from graded_exposure.services.checkins import today_for

from .test_checkins import _form, _rows, _save

CARD = "Brave Steps is not a crisis service."
LINES = "en-GB=999|Call 999 or go to A&E;en-US=988|Call or text 988 (Suicide & Crisis Lifeline)"


def _home(family, language="en-GB"):
    return family.client.get(f"/children/{family.child.id}",
                             headers={"Accept-Language": language}).get_data(as_text=True)


def test_the_checkbox_is_offered_and_stored(family, db):
    page, _key = _form(family)
    assert "nothing will help" in page and 'name="hopeless_words"' in page
    response, _ = _save(family, hopeless_words="y")
    assert response.status_code == 303
    [checkin] = _rows(db)
    assert checkin.hopeless_words is True


def test_the_card_shows_the_line_for_the_family_locale(app, family):
    app.config["CRISIS_LINES"] = parse_crisis_lines(LINES)
    _save(family, hopeless_words="y")
    body = _home(family, "en-GB,en;q=0.8")
    assert "Please talk to" in body and "therapist or doctor soon" in body
    assert 'href="tel:999"' in body and "Call 999 or go to A&amp;E" in body
    assert CARD in body
    assert "Call or text 988" in _home(family, "en-US")


def test_without_a_line_for_the_locale_the_card_names_no_number(app, family):
    app.config["CRISIS_LINES"] = parse_crisis_lines(LINES)
    _save(family, hopeless_words="y")
    body = _home(family, "fr-FR")
    assert "Call your local emergency number." in body and "tel:" not in body
    assert CARD in body


def test_an_ordinary_bad_day_shows_no_card(family, db):
    _save(family, child_distress="10", caregiver_distress="9", avoided_school="y",
          acc_school=["kept_home"])
    [checkin] = _rows(db)
    assert checkin.hopeless_words is False
    body = _home(family)
    assert CARD not in body and "therapist or doctor soon" not in body


def test_the_card_goes_after_fourteen_days(family, db):
    _save(family, hopeless_words="y")
    checkin = db.exec(select(DayCheckIn)).one()
    checkin.day = today_for(family.child) - timedelta(days=13)
    db.add(checkin)
    db.commit()
    assert CARD in _home(family)
    checkin.day = today_for(family.child) - timedelta(days=14)
    db.add(checkin)
    db.commit()
    assert CARD not in _home(family)


def test_editing_the_day_keeps_the_tick_and_can_clear_it(family, db):
    _save(family, hopeless_words="y")
    page, _key = _form(family)
    assert '<input checked id="hopeless_words" name="hopeless_words"' in page
    _save(family)
    [checkin] = _rows(db)
    assert checkin.hopeless_words is False
    assert CARD not in _home(family)
