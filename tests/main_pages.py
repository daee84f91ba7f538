"""The main pages of the app, each with who opens it, over one well-filled family: the pages the
HTML validity test and the tap-size browser test both walk."""
from dataclasses import dataclass

from sqlmodel import Session, select

from graded_exposure.models import ExpectancyRerating, Practice
from graded_exposure.rules.boosters import RelapseAnswers
from graded_exposure.services import boosters, relapse_checks
from tests.conftest import Family, Therapist
from tests.factories import (
    add_practices,
    current_step,
    fill_child,
    finished_ladder,
    make_ladder,
    practise_on_days,
    template_ladder,
)

CAREGIVER, THERAPIST, NOBODY = "caregiver", "therapist", "nobody"


@dataclass(frozen=True)
class MainPage:
    name: str
    path: str
    who: str  # CAREGIVER, THERAPIST or NOBODY (logged out)


@dataclass(frozen=True)
class MainPages:
    family: Family
    therapist: Therapist
    pages: list[MainPage]


def seed_main_pages(app, db: Session) -> MainPages:
    """Fill a family with a linked therapist; return the main pages over its data."""
    family = Family(app, db, "alex@example.com", child_name="Mia")
    therapist = Therapist(app, db)
    ladder_id = fill_child(db, family.child, family.user, therapist.user)["ladders"][0]
    template = template_ladder(db, family.child, by=family.user)
    add_practices(db, family.child, template.steps[:3], 6, logged_by_id=family.user.id)
    practice_id = db.exec(select(Practice.id).where(
        Practice.child_id == family.child.id)).first()
    shop = _leaning_ladder(db, family)
    offered = finished_ladder(db, family.child, goal="Sleep in my own room", area="sleep")
    kept = finished_ladder(db, family.child, goal="Ride the lift", area="outings")
    boosters.accept(db, kept, family.user, "18:00")
    relapse_checks.record_check(db, kept, family.user, RelapseAnswers(2, 1, 0),
                                [kept.steps[2].id], "main-pages-check")
    _predict(db, family, template.steps[0].id)
    both_voices(db, family.child.id)
    child_only = db.exec(select(Practice).where(
        Practice.child_id == family.child.id, Practice.child_fear_before.is_(None))).first()
    child_only.child_fear_before, child_only.child_fear_after = 10, 7
    child_only.caregiver_rated = False
    unrated = db.exec(select(Practice.id).where(
        Practice.child_id == family.child.id, Practice.child_fear_before.is_(None))).first()
    db.commit()
    child = f"/children/{family.child.id}"
    steps = f"{child}/brave/steps/{current_step(template).id}"
    caregiver = [("home", "/"), ("child home", child), ("practice form", f"{child}/practices/new"),
                 ("check-in form", f"{child}/checkin"), ("ladder list", f"{child}/ladders"),
                 ("ladder", f"/ladders/{template.id}"), ("ladder (own)", f"/ladders/{ladder_id}"),
                 ("progress", f"/ladders/{template.id}/progress"),
                 ("practices", f"{child}/practices"), ("insights", f"{child}/insights"),
                 ("insights week", f"{child}/week"), ("calendar", f"{child}/calendar"),
                 ("family", "/family"),
                 ("reminders", "/reminders"), ("child view", f"{child}/brave"),
                 ("child view try", steps),
                 ("child view done", f"{child}/brave/done/{practice_id}"),
                 ("progress (fading, places)", f"/ladders/{shop}/progress"),
                 ("ladder edit", f"/ladders/{shop}/edit"),
                 ("ladder finished", f"/ladders/{offered.id}"),
                 ("ladder with boosters", f"/ladders/{kept.id}"),
                 ("quick check", f"/ladders/{kept.id}/check"),
                 ("re-rating", f"{child}/rerate"),
                 ("child view feel", f"{child}/brave/feel/{unrated}"),
                 ("add your rating", f"/practices/{child_only.id}/rating")]
    therapist_pages = [("caseload", "/"), ("therapist child", f"/therapist{child}"),
                       ("summary", f"/therapist{child}/summary"),
                       ("therapist calendar", f"{child}/calendar")]
    anonymous = [("login", "/login"), ("register", "/register"), ("why", "/why"),
                 ("offline", "/offline"), ("logged out offline", "/offline/logged-out")]
    return MainPages(family, therapist, [
        *(MainPage(name, path, CAREGIVER) for name, path in caregiver),
        *(MainPage(name, path, THERAPIST) for name, path in therapist_pages),
        *(MainPage(name, path, NOBODY) for name, path in anonymous)])


def _leaning_ladder(db: Session, family: Family) -> int:
    """A ladder whose first step was mastered holding a hand (a fading suggestion) and whose
    current step was done well at home only, where the rule asks for two places."""
    ladder = make_ladder(db, family.child, goal="Go into the shop", area="outings", mastered=1,
                         safety_behaviours=["Holding a hand", "Mum's scarf"],
                         mastery_min_contexts=2, by=family.user)
    first, second = ladder.steps[:2]
    practise_on_days(db, first, days=(0, 0, 1), safety_used=["Holding a hand"])
    practise_on_days(db, second, days=(2, 2, 3), context_where="home", context_with="parent")
    return ladder.id


def _predict(db: Session, family: Family, step_id: int) -> None:
    """Give the step's practices predictions, one re-rated, so the pages show expectancy."""
    practices = db.exec(select(Practice).where(Practice.step_id == step_id)).all()
    for likely, practice in zip((100, 75, 50), practices, strict=False):
        practice.prediction, practice.expected_likelihood = "They will laugh", likely
        practice.prediction_came_true = "no"
    db.add(ExpectancyRerating(practice_id=practices[0].id, child_id=family.child.id,
                              likelihood=25))
    db.commit()


def both_voices(db: Session, child_id: int, tries: int = 3) -> None:
    """Give the child's newest practices the child's own faces too (rated by both)."""
    newest = db.exec(select(Practice).where(Practice.child_id == child_id)
                     .order_by(Practice.practiced_at.desc()).limit(tries)).all()
    for n, practice in enumerate(newest):
        practice.child_fear_before, practice.child_fear_after = 10 - n, 7
    db.commit()
