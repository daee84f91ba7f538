"""Safety behaviours and fading them: the ladder's list, and when to suggest a step without one.

A safety behaviour is something the child leans on to get through a step (holding a hand, a
phone in the pocket, sitting by the door). It helps today, but the child may credit it for
being safe, so the fear does not fade where it is absent (Craske et al. 2014). Once a step is
mastered *while leaning on* a behaviour, the next rung is the same step without it.

"Leaning on it": the step's practices without the behaviour do not meet the ladder's mastery
rule on their own, while some qualifying practice used it. No new number: the mastery rule
(rules/mastery.py) decides, on the practices the progress page reads (the newest ones its
chart shows). Its places are left out here: variety is its own suggestion, and a step mastered
before the ladder asked for more places still leaned on what it leaned on.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace

from .chip_lists import ChipList, recorded_problem
from .facts import PracticeFact
from .mastery import MasteryRule, is_qualifying, is_step_mastered
from .text_cut import shortened

SUGGESTED_SAFETY_BEHAVIOURS: tuple[str, ...] = (
    "Holding a hand",
    "A phone in the pocket",
    "Sitting by the door",
    "A parent waiting outside",
    "A comfort object",
    "Asking to be told it will be fine",
)
CUSTOM_SAFETY_MAX = 60
SAFETY_LIST_MAX = 12
VARIANT_JOINER = " — without "


@dataclass(frozen=True)
class FadingSuggestion:
    """The same step without one safety behaviour, suggested as the next rung."""

    step_id: int
    behaviour: str
    title: str  # the variant's title
    why: str  # one sentence a family reads


SAFETY_LIST = ChipList(
    SUGGESTED_SAFETY_BEHAVIOURS, CUSTOM_SAFETY_MAX, SAFETY_LIST_MAX,
    off_list="Choose safety behaviours from the list.",
    own_too_long=f"Keep your own words to {CUSTOM_SAFETY_MAX} characters or fewer.",
    too_many=f"Choose at most {SAFETY_LIST_MAX} safety behaviours.")


def safety_list_after(current: Sequence[str], chosen: Sequence[str], custom: str) -> list[str]:
    """Return the ladder's new list of safety behaviours, or raise ValueError with a user-safe
    message (`custom`: one new behaviour in the family's words)."""
    return SAFETY_LIST.after(current, chosen, custom)


def used_problem(used: Sequence[str]) -> str | None:
    """Return why a practice's list of safety behaviours used cannot be stored, or None."""
    return recorded_problem(used, most=SAFETY_LIST_MAX, longest=CUSTOM_SAFETY_MAX,
                            plural="safety behaviours", singular="safety behaviour")


def leaned_on(practices: Sequence[PracticeFact], rule: MasteryRule) -> list[str]:
    """The behaviours a mastered step leaned on: used in a qualifying practice, and the
    practices without it do not meet the rule by themselves. First used first. None while the
    practices do not meet the rule at all."""
    rule = replace(rule, min_contexts=1)
    if not is_step_mastered(practices, rule):
        return []
    used = dict.fromkeys(b for p in practices if is_qualifying(p, rule) for b in p.safety_used)
    return [behaviour for behaviour in used if not is_step_mastered(
        [p for p in practices if behaviour not in p.safety_used], rule)]


def variant_title(title: str, behaviour: str, limit: int) -> str:
    """The variant step's title: 'Walk into school — without holding a hand', within `limit`."""
    tail = VARIANT_JOINER + behaviour[:1].lower() + behaviour[1:]
    return shortened(title, max(0, limit - len(tail))) + tail


def why_fade(behaviour: str) -> str:
    """One sentence: why the next rung is the same step without this behaviour."""
    return (f"Your child did this step while leaning on “{behaviour}”; doing it without shows "
            "them they were safe on their own, and the brave feeling lasts.")


def fading_suggestions(step_id: int, title: str, practices: Sequence[PracticeFact],
                       rule: MasteryRule, skip: Iterable[str], title_limit: int
                       ) -> list[FadingSuggestion]:
    """Suggest fading each behaviour a mastered step leaned on, except those in `skip`
    (a variant exists already, or the family said not now)."""
    skipped = set(skip)
    return [FadingSuggestion(step_id, b, variant_title(title, b, title_limit), why_fade(b))
            for b in leaned_on(practices, rule) if b not in skipped]
