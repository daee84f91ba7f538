"""A parent-led plan to reduce one family accommodation at a time (SPACE).

In plain words: the parents pick one thing they do to spare their anxious child distress
(keeping them home, answering the same worry again and again), write down what they will do
instead and what they will say, tell the child, and track each day whether they stuck to it.
Every clinical default of that work lives here, with its source:

- SOURCE_SPACE_TRIAL: Lebowitz, E. R., Marin, C., Martino, A., Shimshoni, Y., & Silverman,
  W. K. (2020). Parent-based treatment as efficacious as cognitive-behavioral therapy for
  childhood anxiety: a randomized noninferiority study of Supportive Parenting for Anxious
  Childhood Emotions. J. Am. Acad. Child Adolesc. Psychiatry, 59(3), 362-372.
- SOURCE_SPACE_GUIDE: Lebowitz, E. R., & Omer, H. (2013). Treating Childhood and Adolescent
  Anxiety: A Guide for Caregivers. Wiley.
- SOURCE_FASA: Lebowitz, E. R., Woolston, J., Bar-Haim, Y., et al. (2013). Family
  accommodation in pediatric anxiety disorders. Depression and Anxiety, 30(1), 47-54 (the
  Family Accommodation Scale-Anxiety, FASA).

Pure: no Flask, no database.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

SOURCE_SPACE_TRIAL = ("Lebowitz et al. (2020), J. Am. Acad. Child Adolesc. Psychiatry: "
                      "parent-based treatment (SPACE) as efficacious as CBT for childhood anxiety")
SOURCE_SPACE_GUIDE = ("Lebowitz & Omer (2013), Treating Childhood and Adolescent Anxiety: "
                      "A Guide for Caregivers")
SOURCE_FASA = ("Lebowitz et al. (2013), Family Accommodation Scale–Anxiety (FASA), "
               "Depression and Anxiety")

# One target at a time: changing one accommodation lets the family stay consistent and see
# what the change does (SOURCE_SPACE_GUIDE; the SPACE protocol of SOURCE_SPACE_TRIAL).
ONE_TARGET_AT_A_TIME = True
# "Held": the family stuck to the plan on HOLD_DAYS_NEEDED of the last HOLD_WINDOW_DAYS days.
# Our default, following the guide's advice to move on once the new response is routine
# (SOURCE_SPACE_GUIDE); a family or therapist may change it per plan.
HOLD_DAYS_NEEDED = 7
HOLD_WINDOW_DAYS = 10
# Distress often rises in the first days without the accommodation and falls again
# (SOURCE_SPACE_GUIDE); we speak of it during the plan's first EARLY_DAYS days.
EARLY_DAYS = 14
# Check-in history read to suggest a target.
SUGGEST_WINDOW_DAYS = 28

# Accommodations a parent can change on their own. "Something else" has no words of its own, so
# it is written as the family's own target instead. None of the listed ones is about safety.
TARGETABLE = {
    "kept_home": "Keeping {name} home",
    "excused": "Excusing {name} from it",
    "spoke_for": "Speaking for {name}",
    "reassurance": "Answering the same worry again and again",
    "changed_routine": "Changing a routine or plan",
}
AVOIDANCE_WORDS = {
    "school": "school or nursery", "outing": "outings and shops",
    "activity": "activities and clubs", "social": "seeing people",
    "separation": "being apart", "other": "something else",
}
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")

WHY_ONE_TARGET = ("We work on one accommodation at a time, so everyone can be consistent and "
                  "you can see what the change does. Source: " + SOURCE_SPACE_GUIDE + ".")
WHY_STATEMENT = ("A supportive statement has two parts: acceptance (the fear is real and hard) "
                 "and confidence (your child can cope). It replaces both reassurance and "
                 "pressure. Source: " + SOURCE_SPACE_TRIAL + "; " + SOURCE_SPACE_GUIDE + ".")
WHY_HOLD = (f"When you have stuck to the plan on {HOLD_DAYS_NEEDED} of the last "
            f"{HOLD_WINDOW_DAYS} days, the new way has become routine and you can choose the "
            "next target. Source: our default, after " + SOURCE_SPACE_GUIDE + ".")
WHY_PARENT_DISTRESS = ("Your own distress matters too (as the FASA asks it). "
                       "Source: Lebowitz et al. (2013), FASA.")
EXPECTED_RISE = ("In the first days without the accommodation, many children get more upset "
                 "for a while. This is expected and usually settles again: it is not a sign "
                 "that the plan is failing. Source: " + SOURCE_SPACE_GUIDE + ".")
CAUTION_REASSURANCE = ("This sounds like reassurance (a promise that nothing bad will happen). "
                       "Reassurance soothes for a moment, then the same worry comes back: try "
                       "saying you know they can cope instead.")
CAUTION_THREAT = ("This sounds like pressure or a threat. Children cope better when they feel "
                  "understood: try acceptance (“I know this is hard”) and confidence.")

# Example supportive statements by age band, written by us. Keys match Child.age_band.
EXAMPLE_STATEMENTS = {
    "under-5": ("I know you feel scared. I know you can do it.",
                "It's OK to feel worried. You are brave and you can manage."),
    "5-7": ("I can see this feels really scary, and I know you can handle it.",
            "Feeling worried is hard. I believe you can get through it."),
    "8-10": ("I know this is really hard for you, and I know you can handle it.",
             "It makes sense that you feel anxious. I'm sure you can cope with this feeling."),
    "11-13": ("I understand this feels awful right now, and I'm confident you can handle it.",
              "Your worry is real. I trust you to get through it, and I'm here."),
    "14-17": ("I get that this is really stressful, and I know you're able to cope with it.",
              "It's OK to feel anxious about this. I have confidence in you."),
}
DEFAULT_AGE_BAND = "8-10"

_REASSURANCE_PHRASES = ("nothing bad", "nothing will happen", "nothing is going to happen",
                        "don't worry", "dont worry", "do not worry", "i promise", "you'll be fine",
                        "you will be fine", "it will be fine", "it'll be fine", "you're safe",
                        "you are safe")
_THREAT_PHRASES = ("or else", "if you don't", "if you dont", "if you do not", "you have to",
                   "you must", "stop being", "you'll lose", "you will lose", "no more")


@dataclass(frozen=True)
class Accommodated:
    """One accommodation on one day: what was avoided and how the family helped."""

    day: date
    avoidance_kind: str
    accommodation: str


@dataclass(frozen=True)
class TargetCandidate:
    """A possible target, with how often it happened and when."""

    avoidance_kind: str
    accommodation: str
    days: int
    weekdays: tuple[str, ...]  # the most frequent weekdays, most frequent first

    def label(self, name: str) -> str:
        """Say the target in words, e.g. 'Keeping Sam home (school or nursery)'."""
        return (f"{TARGETABLE[self.accommodation].format(name=name)} "
                f"({AVOIDANCE_WORDS.get(self.avoidance_kind, self.avoidance_kind)})")


def suggest_targets(history: Iterable[Accommodated], today: date,
                    window: int = SUGGEST_WINDOW_DAYS, limit: int = 3) -> list[TargetCandidate]:
    """Return the most frequent changeable accommodations of the last `window` days, most
    frequent first (ties by the order of the list), at most `limit`."""
    first = today - timedelta(days=window - 1)
    seen: dict[tuple[str, str], set[date]] = {}
    for a in history:
        if a.accommodation in TARGETABLE and first <= a.day <= today:
            seen.setdefault((a.avoidance_kind, a.accommodation), set()).add(a.day)
    order = list(TARGETABLE)
    ranked = sorted(seen.items(), key=lambda kv: (-len(kv[1]), order.index(kv[0][1]), kv[0][0]))
    return [TargetCandidate(kind, acc, len(days), _busiest_weekdays(days))
            for (kind, acc), days in ranked[:limit]]


def _busiest_weekdays(days: set[date]) -> tuple[str, ...]:
    counts = Counter(d.weekday() for d in days)
    top = max(counts.values())
    return tuple(WEEKDAYS[w] for w in sorted(counts) if counts[w] == top and top > 1)


@dataclass(frozen=True)
class TrackedDay:
    """One day of the plan: whether the family stuck to it, and the child's distress."""

    day: date
    stuck: bool
    child_upset: int | None = None


def days_stuck(tracked: Iterable[TrackedDay], today: date,
               window: int = HOLD_WINDOW_DAYS) -> int:
    """Count the days of the last `window` (today included) on which the plan was kept."""
    first = today - timedelta(days=window - 1)
    return len({t.day for t in tracked if t.stuck and first <= t.day <= today})


def has_held(tracked: Iterable[TrackedDay], today: date, needed: int = HOLD_DAYS_NEEDED,
             window: int = HOLD_WINDOW_DAYS) -> bool:
    """True when the plan was kept on at least `needed` of the last `window` days."""
    return days_stuck(tracked, today, window) >= needed


def expected_rise_message(baseline: Sequence[int], tracked: Sequence[TrackedDay],
                          starts_on: date, today: date) -> str | None:
    """Return the expected-rise message when, in the plan's first EARLY_DAYS days, the child's
    distress since the start is above its level before; otherwise None."""
    if not starts_on <= today < starts_on + timedelta(days=EARLY_DAYS):
        return None
    since = [t.child_upset for t in tracked
             if t.child_upset is not None and starts_on <= t.day <= today]
    if not baseline or not since:
        return None
    if max(since) > sum(baseline) / len(baseline):
        return EXPECTED_RISE
    return None


def statement_cautions(text: str) -> tuple[str, ...]:
    """Return gentle cautions when a statement sounds like reassurance or a threat."""
    words = " ".join(text.lower().replace("’", "'").split())
    cautions = []
    if any(p in words for p in _REASSURANCE_PHRASES):
        cautions.append(CAUTION_REASSURANCE)
    if any(p in words for p in _THREAT_PHRASES):
        cautions.append(CAUTION_THREAT)
    return tuple(cautions)


def supportive_statement(acceptance: str, confidence: str) -> str:
    """Join an acceptance and a confidence part into one statement."""
    parts = [p.strip().rstrip(".,;") for p in (acceptance, confidence) if p.strip()]
    return (", and ".join(parts) + ".") if parts else ""


def examples_for(age_band: str) -> tuple[str, ...]:
    """Return our example supportive statements for the child's age band."""
    return EXAMPLE_STATEMENTS.get(age_band, EXAMPLE_STATEMENTS[DEFAULT_AGE_BAND])


def announcement(name: str, starts_on: date, instead: str, statement: str, today: date) -> str:
    """Write the message to the child from the plan: love, confidence, what changes, when."""
    when = ("From today" if starts_on <= today else
            "From tomorrow" if starts_on == today + timedelta(days=1) else
            f"From {WEEKDAYS[starts_on.weekday()]}")
    change = instead.strip().rstrip(".")
    lines = [f"{name}, we love you, and we know you can handle feeling anxious.",
             "We have been helping in a way that made the worry bigger, not smaller. "
             "That was our choice, not your fault.",
             f"{when}, {change[:1].lower() + change[1:]}." if change else "",
             "When it feels hard, we will remind you: " + statement if statement else "",
             "We are on your side."]
    return "\n\n".join(line for line in lines if line)
