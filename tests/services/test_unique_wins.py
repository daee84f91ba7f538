"""write_or_winner: a unique constraint's refusal answered with the row that won, or passed on."""
import pytest
from sqlalchemy.exc import IntegrityError
from sqlmodel import select

from graded_exposure.models import Family
from graded_exposure.services.unique_wins import write_or_winner


def _refused():
    raise IntegrityError("INSERT …", {}, Exception("UNIQUE constraint failed"))


def test_what_the_write_stored_comes_back(db):
    family = Family(timezone="Europe/Paris")
    assert write_or_winner(db, lambda: family, lambda: pytest.fail("no race, no winner")) is family


def test_a_refused_write_is_rolled_back_and_answered_with_the_winner(db):
    db.add(Family(timezone="Asia/Tokyo"))  # unsaved work of the refused write
    winner = Family(timezone="UTC")
    assert write_or_winner(db, _refused, lambda: winner) is winner
    assert db.exec(select(Family).where(Family.timezone == "Asia/Tokyo")).first() is None


def test_with_no_winner_the_refusal_goes_on_up(db):
    with pytest.raises(IntegrityError):
        write_or_winner(db, _refused, lambda: None)
