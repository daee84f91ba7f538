"""The trap told in the family's words, loaded for the home screen and the insights page only."""
from graded_exposure.models import Avoidance, DayCheckIn
from graded_exposure.services import child_overview, insights
from graded_exposure.services.checkins import today_for
from tests.factories import make_ladder


def _avoided_school(db, child):
    db.add(DayCheckIn(child_id=child.id, day=today_for(child), child_distress=1,
                      caregiver_distress=6, idempotency_key="story",
                      avoidances=[Avoidance(kind="school", description="Spelling test",
                                            accommodations=["kept_home"])]))
    db.commit()


def test_the_story_names_the_familys_words_and_the_current_step_towards_it(db, family):
    child = family.child
    ladder = make_ladder(db, child, goal="Go to school", area="school", titles=["Gate", "Class"])
    _avoided_school(db, child)
    story = insights.for_child(db, child, story=True).story
    assert story.sentence == (f"School (“Spelling test”) was avoided on the one calm day this "
                              f"week; {child.display_name} was kept home.")
    assert (story.next_step.kind, story.next_step.step_id) == ("practise_step",
                                                              ladder.steps[0].id)
    assert child_overview.for_child(db, child).outlook.story == story


def test_pages_that_do_not_show_the_story_do_not_load_it(db, family):
    _avoided_school(db, family.child)
    found = insights.for_child(db, family.child)
    assert found.story is None and found.trap.bought == 1
