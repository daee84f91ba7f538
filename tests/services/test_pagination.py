"""One page of a newest-first list: the rows, the number, and whether older rows follow."""
import pytest
from sqlmodel import select

from graded_exposure.models import InboxMessage
from graded_exposure.services.pagination import MAX_PAGE, paginate


@pytest.fixture
def messages(db, family):
    db.add_all(InboxMessage(user_id=family.user.id, title=f"m{n}") for n in range(1, 6))
    db.commit()
    return select(InboxMessage).order_by(InboxMessage.id.desc())


def _titles(page) -> list[str]:
    return [m.title for m in page.rows]


def test_pages_hold_per_page_rows_and_say_whether_older_ones_follow(db, messages):
    first = paginate(db, messages, 1, 2)
    assert _titles(first) == ["m5", "m4"] and first.has_older and not first.has_newer
    last = paginate(db, messages, 3, 2)
    assert _titles(last) == ["m1"] and not last.has_older and last.has_newer


def test_a_page_that_ends_exactly_has_nothing_older(db, messages):
    page = paginate(db, messages, 1, 5)
    assert len(page.rows) == 5 and not page.has_older


@pytest.mark.parametrize(("asked", "shown"), [(0, 1), (-7, 1), (10**30, MAX_PAGE)])
def test_odd_page_numbers_are_clamped(db, messages, asked, shown):
    page = paginate(db, messages, asked, 2)
    assert page.page == shown


def test_with_rows_keeps_the_page_and_replaces_the_rows(db, messages):
    page = paginate(db, messages, 2, 2)
    described = page.with_rows(_titles(page))
    assert described.rows == ["m3", "m2"] and (described.page, described.has_older) == (2, True)
