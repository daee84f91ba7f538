"""A request the database refuses or loses still gets the app's own error page, in plain words.

Found on PostgreSQL under load: the error page's navigation reads the database (the inbox
badge) on the session whose transaction had just failed, so the page itself failed and people
saw the server's bare "Internal Server Error".
"""
import pytest
from sqlalchemy import delete, text
from sqlmodel import select

from graded_exposure.db import get_session
from graded_exposure.models import Practice
from tests.factories import add_practice, current_step, make_ladder
from tests.lookups import practice_count


@pytest.mark.own_app
def test_a_failed_statement_still_gets_the_error_page_with_its_navigation(app, request):
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production

    @app.get("/broken-statement")
    def broken_statement():
        get_session().connection().execute(text("SELECT * FROM no_such_table"))

    family = request.getfixturevalue("family")  # signs in: routes are added before
    response = family.client.get("/broken-statement")
    body = response.get_data(as_text=True)
    assert response.status_code == 500 and "Something went wrong on our side" in body
    assert 'aria-label="Inbox' in body or "Inbox" in body  # the navigation rendered
    assert family.client.get("/family").status_code == 200  # the next request is fine


@pytest.mark.own_app
def test_a_row_deleted_while_it_was_being_changed_is_a_calm_409(app, db, request):
    # Found on PostgreSQL: editing a practice another caregiver deleted at the same moment
    # was a 500 (the UPDATE matched no row). Nothing of the edit is kept.
    app.config["PROPAGATE_EXCEPTIONS"] = False
    engine = app.extensions["db_engine"]

    @app.get("/edit-a-vanishing-practice")
    def edit_vanishing():
        session = get_session()
        practice = session.exec(select(Practice)).one()
        with engine.begin() as elsewhere:  # the other caregiver's delete, committed first
            elsewhere.execute(delete(Practice).where(Practice.id == practice.id))
        practice.note = "changed"
        session.commit()

    family = request.getfixturevalue("family")
    add_practice(db, family.child, current_step(make_ladder(db, family.child)), 6)
    response = family.client.get("/edit-a-vanishing-practice")
    body = response.get_data(as_text=True)
    assert response.status_code == 409 and "changed at the same moment" in body
    assert practice_count(db) == 0
    assert family.client.get("/family").status_code == 200
