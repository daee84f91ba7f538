"""The child-view service without HTTP: the page, stars, and the grown-ups' password check."""

from sqlmodel import func, select

from graded_exposure.models import AuditEvent
from graded_exposure.services import child_mode, login_sessions
from tests.conftest import PASSWORD
from tests.factories import add_practice, make_ladder


def test_child_page_shows_next_steps_of_active_ladders_only(db, family):
    active = make_ladder(db, family.child, steps=12, mastered=3)
    make_ladder(db, family.child, steps=4, mastered=2, status="archived")
    page = child_mode.child_page(db, family.child)
    assert [item.ladder.id for item in page.ladders] == [active.id]
    assert [s.position for s in page.ladders[0].steps] == [4, 5, 6]
    assert page.mastered == 5  # mastered steps of archived ladders still count
    assert page.stars == 0


def test_ladder_with_nothing_left_to_try_is_left_out(db, family):
    make_ladder(db, family.child, steps=2, mastered=2)
    assert child_mode.child_page(db, family.child).ladders == []


def test_stars_for_one_practice_and_the_total(db, family):
    steps = make_ladder(db, family.child, steps=12, mastered=3).steps
    add_practice(db, family.child, steps[3], before=3)                         # 1 star
    add_practice(db, family.child, steps[3], before=5)                         # 2 stars
    add_practice(db, family.child, steps[3], before=9, outcome="did_not_try")  # none
    brave = add_practice(db, family.child, steps[3], before=7)                 # 3 stars
    stars = child_mode.stars_for_practice(db, family.child, brave)
    assert (stars.earned, stars.total) == (3, 6)
    assert child_mode.child_page(db, family.child).stars == 6


def test_is_offered_only_for_the_shown_steps(db, family):
    steps = make_ladder(db, family.child, steps=12, mastered=3).steps
    assert [s.position for s in steps if child_mode.is_offered(s)] == [4, 5, 6]
    archived = make_ladder(db, family.child, steps=12, mastered=3, status="archived").steps
    assert not any(child_mode.is_offered(s) for s in archived)


def _sid(db, user):
    sid = login_sessions.start(db, user)
    db.commit()
    return sid


def test_right_password_passes(db, family):
    check = child_mode.check_exit_password(db, family.user, _sid(db, family.user), PASSWORD)
    assert check.ok


def test_wrong_passwords_are_counted_and_audited(db, family):
    sid = _sid(db, family.user)
    left = [child_mode.check_exit_password(db, family.user, sid, "wrong").tries_left
            for _ in range(5)]
    assert left == [4, 3, 2, 1, 0]
    audited = db.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == child_mode.EXIT_FAILED, AuditEvent.actor_id == family.user.id)).one()
    assert audited == 5


def test_leaving_with_the_right_password_starts_the_count_again(db, family):
    sid = _sid(db, family.user)
    for _ in range(3):
        child_mode.check_exit_password(db, family.user, sid, "wrong")
    assert child_mode.check_exit_password(db, family.user, sid, PASSWORD).ok
    assert child_mode.check_exit_password(db, family.user, sid, "wrong").tries_left == 4


def test_a_new_login_starts_the_count_again(db, family):
    old = _sid(db, family.user)
    for _ in range(4):
        child_mode.check_exit_password(db, family.user, old, "nope")
    assert child_mode.check_exit_password(db, family.user, old, "nope").tries_left == 0
    fresh = _sid(db, family.user)
    assert child_mode.check_exit_password(db, family.user, fresh, "nope").tries_left == 4
