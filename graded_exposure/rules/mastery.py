"""When is a step mastered? A ladder's rule, evaluated on its step's practices.

Default rule (PRODUCT.md): at least 3 *qualifying* practices on at least 2 different days.
A practice qualifies when the child tried (outcome did it, partly or left early) and either
its peak fear was 3 or below, or fear fell by at least half from the peak to the end
(after <= peak / 2, with a peak above 0). A therapist can change the numbers per ladder.

Variety (inhibitory learning): a ladder may also ask for its counting practices to cover at
least N different places (a practice's `where`: home, school, the park...). A practice whose
place was not told counts towards the practices and days but adds no place. With N = 1, the
default, places are not looked at: every practice happens somewhere.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from dataclasses import dataclass

from .facts import PracticeFact


@dataclass(frozen=True)
class MasteryRule:
    min_practices: int = 3
    min_days: int = 2
    max_peak: int = 3
    count_halving: bool = True
    min_contexts: int = 1

    def describe(self) -> str:
        """Say the rule in plain words."""
        halving = " or fear halved from its peak by the end" if self.count_halving else ""
        places = (f", in at least {self.min_contexts} different places"
                  if self.min_contexts > 1 else "")
        return (f"At least {self.min_practices} practices on at least {self.min_days} different "
                f"days with peak fear {self.max_peak} or below{halving}{places}.")


def is_qualifying(practice: PracticeFact, rule: MasteryRule) -> bool:
    """True when a practice counts towards mastering its step."""
    if not practice.tried:
        return False
    if practice.fear_peak <= rule.max_peak:
        return True
    halved = practice.fear_peak > 0 and practice.fear_after * 2 <= practice.fear_peak
    return rule.count_halving and halved


@dataclass(frozen=True)
class MasteryProgress:
    qualifying: int
    days: int
    rule: MasteryRule
    places: frozenset[str] = frozenset()  # the places told on the qualifying practices

    @property
    def enough_places(self) -> bool:
        """True when the qualifying practices cover the places the rule asks for."""
        return self.rule.min_contexts <= 1 or len(self.places) >= self.rule.min_contexts

    @property
    def met(self) -> bool:
        return (self.qualifying >= self.rule.min_practices and self.days >= self.rule.min_days
                and self.enough_places)

    @property
    def needs_another_place(self) -> bool:
        """True when only variety is missing: the step is mastered where it was practised."""
        return (self.qualifying >= self.rule.min_practices and self.days >= self.rule.min_days
                and not self.enough_places)


def mastery_progress(practices: list[PracticeFact], rule: MasteryRule) -> MasteryProgress:
    """Count the qualifying practices, their distinct days and places for one step."""
    good = [p for p in practices if is_qualifying(p, rule)]
    return MasteryProgress(qualifying=len(good), days=len({p.day for p in good}), rule=rule,
                           places=frozenset(p.place for p in good if p.place))


def is_step_mastered(practices: list[PracticeFact], rule: MasteryRule) -> bool:
    """True when one step's practices meet the ladder's mastery rule."""
    return mastery_progress(practices, rule).met


# The ranges a family or a therapist may choose for a ladder's mastery rule.
RULE_LIMITS = {"min_practices": (1, 20), "min_days": (1, 20), "max_peak": (0, 10),
               "min_contexts": (1, 3)}
RULE_NAMES = {"min_practices": "Practices needed", "min_days": "Different days needed",
              "max_peak": "Highest peak fear", "min_contexts": "Different places needed"}


def limit_message(name: str) -> str:
    """Say the allowed range of one number of the rule."""
    low, high = RULE_LIMITS[name]
    return f"{RULE_NAMES[name]} must be a whole number from {low} to {high}."


def rule_problem(values: dict[str, object]) -> str | None:
    """Return why the numbers of a mastery rule are refused, or None."""
    for name, (low, high) in RULE_LIMITS.items():
        value = values.get(name)
        # bool is an int in Python; True is not a number of practices.
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            return limit_message(name)
    if values["min_days"] > values["min_practices"]:
        return "The number of days can't be more than the number of practices."
    if values["min_contexts"] > values["min_practices"]:
        return "The number of places can't be more than the number of practices."
    return None
