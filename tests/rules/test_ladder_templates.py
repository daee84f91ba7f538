"""The shipped ladder templates: well-formed, gentle and complete."""
from itertools import pairwise

import pytest

from graded_exposure.rules import ladder_rules as rules
from graded_exposure.rules.ladder_templates import TEMPLATES, template_by_key

IDS = [t.key for t in TEMPLATES]


def test_at_least_four_templates_with_unique_keys():
    assert len(TEMPLATES) >= 4
    assert len(set(IDS)) == len(IDS)
    assert {"school", "outings", "separation", "social"} <= {t.area for t in TEMPLATES}


def test_template_by_key():
    assert template_by_key("drop-off").area == "separation"
    assert template_by_key("nope") is None


@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_template_fits_a_ladder(template):
    assert rules.goal_problem(template.goal) is None
    assert rules.area_problem(template.area) is None
    assert len(template.key) <= 40 and template.name and template.summary
    assert template.calming and set(template.calming) <= set(rules.CALMING_STRATEGIES)


@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_steps_rise_gently_from_easy_to_hard(template):
    fears = [step.fear for step in template.steps]
    assert 8 <= len(fears) <= 12
    assert all(0 <= f <= 10 for f in fears)
    assert all(b >= a for a, b in pairwise(fears)), fears
    assert rules.big_jumps(fears) == []
    assert fears[0] <= 3 and fears[-1] >= 7


@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_every_step_is_valid_with_small_steps(template):
    titles = [step.title for step in template.steps]
    assert len(set(titles)) == len(titles)
    for step in template.steps:
        story = "\n".join(step.story)
        assert rules.step_problem(step.title, step.detail, step.fear, story) is None
        assert step.detail
        assert 2 <= len(step.substeps) <= 5
        assert all(rules.substep_problem(text) is None for text in step.substeps)


@pytest.mark.parametrize("template", TEMPLATES, ids=IDS)
def test_social_stories_are_short_and_first_person(template):
    stories = [step.story for step in template.steps if step.story]
    assert stories, "each template offers at least one social story"
    for story in stories:
        assert 2 <= len(story) <= 4
        assert all(len(line) <= 60 for line in story)
        assert any(line.startswith(("I ", "I'", "My ")) or " I " in line for line in story)
