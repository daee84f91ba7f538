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

from .facts import PracticeFact
from .mastery import MasteryRule, is_qualifying, is_step_mastered

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


def safety_list_after(current: Sequence[str], chosen: Sequence[str], custom: str) -> list[str]:
    """Return the ladder's new list of safety behaviours, or raise ValueError with a user-safe
    message. `chosen` may hold suggestions and the ladder's own ones (unticking removes them);
    `custom` is one new behaviour in the family's words."""
    allowed = set(SUGGESTED_SAFETY_BEHAVIOURS) | set(current)
    if any(item not in allowed for item in chosen):
        raise ValueError("Choose safety behaviours from the list.")
    custom = " ".join(custom.split())
    if len(custom) > CUSTOM_SAFETY_MAX:
        raise ValueError(f"Keep your own words to {CUSTOM_SAFETY_MAX} characters or fewer.")
    found = [s for s in SUGGESTED_SAFETY_BEHAVIOURS if s in chosen]
    found += [s for s in current if s in chosen and s not in SUGGESTED_SAFETY_BEHAVIOURS]
    if custom and custom not in found:
        found.append(custom)
    if len(found) > SAFETY_LIST_MAX:
        raise ValueError(f"Choose {SAFETY_LIST_MAX} safety behaviours or fewer.")
    return found


def used_problem(used: Sequence[str]) -> str | None:
    """Return why a practice's list of safety behaviours used cannot be stored, or None."""
    if len(used) > SAFETY_LIST_MAX:
        return f"Choose {SAFETY_LIST_MAX} safety behaviours or fewer."
    if any(len(item) > CUSTOM_SAFETY_MAX for item in used):
        return f"A safety behaviour can be at most {CUSTOM_SAFETY_MAX} characters."
    return None


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
    return title[:max(0, limit - len(tail))].rstrip() + tail


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
