"""The avoidance trap told in the family's own words, with one next step from their own data.

Definitions:
- The trap is *active* when at least one calm day of the last 7 was bought by avoidance
  (avoidance_trap.is_bought_by_avoidance).
- The story names the situation avoided on most of those days (the most recent on a tie), the
  family's own note about it if they wrote one, and what the family did on those days: the way
  of stepping in chosen most often for that situation (again, the most recent on a tie). The
  other bought days, if any, are counted in one more short sentence.
- The next step, in order of preference: the current step of an active ladder in the area of
  what was avoided (the step closest to it that the child is working on); else, following
  SPACE (parent-led treatment), reduce the way of stepping in that the story names, with a
  supportive sentence to say to the child (acceptance, then confidence); else turn what was
  avoided into a first small ladder step.
- Words are plain, without blame: what happened and what the parent did, never "accommodated".
"""
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta

from .avoidance_trap import is_bought_by_avoidance, is_calm
from .facts import CheckInFact

# What was avoided, as the subject of "… was avoided"; each check-in chip has one.
AVOIDED_WORDS = {
    "school": "School", "outing": "An outing or a shop", "activity": "An activity or club",
    "social": "Seeing people", "separation": "Time apart from you", "other": "Something",
}
# The ladder areas (rules/ladder_rules.AREAS) that hold steps towards each kind of avoidance.
AREAS_FOR = {"school": ("school",), "outing": ("outings",), "activity": ("outings", "social"),
             "social": ("social",), "separation": ("separation",), "other": ("other",)}
# What the parent did, said with the child's name; each accommodation chip has one.
STEPPED_IN = {
    "kept_home": "{name} was kept home", "excused": "{name} was excused from it",
    "spoke_for": "someone spoke for {name}",
    "reassurance": "the same worry was answered again and again",
    "changed_routine": "a routine or plan was changed", "other": "someone stepped in to help",
}
# SPACE: one way of stepping in to do a little less of this week, and what to say to the child.
REDUCE = {
    "kept_home": ("Plan one day this week when {name} goes, even for part of the day.",
                  "I know this feels really scary. I also know you can handle it, and I'll be "
                  "there at the end."),
    "excused": ("Choose one time this week when {name} stays for part of it instead of "
                "being excused.",
                "It makes sense that you'd rather not go. I'm sure you can manage a little "
                "of it."),
    "spoke_for": ("Next time, wait quietly for a few seconds and let {name} answer first.",
                  "I know talking feels hard. I'll wait: I'm confident you can say it your "
                  "way."),
    "reassurance": ("Answer the worry once, then say the supportive sentence instead of "
                    "answering again.",
                    "I can see you're worried, and that's OK. I've answered that, and I know "
                    "you can cope with not being sure."),
    "changed_routine": ("Keep one plan as it was this week, even if {name} is upset about it.",
                        "I know changes to the plan feel better. I'm sure you can cope with "
                        "this one as it is."),
    "other": ("Pick one way you stepped in and do a little less of it this week.",
              "I know this is hard for you. I believe you can do hard things."),
}


@dataclass(frozen=True)
class LadderOption:
    """An active ladder's current step, a candidate next step towards what was avoided."""

    area: str
    ladder_id: int
    goal: str
    step_id: int
    step_title: str


@dataclass(frozen=True)
class NextStep:
    """One concrete thing to try: practise a ladder step, reduce one accommodation, or build
    a first step."""

    kind: str  # "practise_step" | "reduce" | "first_step"
    text: str
    say: str = ""  # the supportive sentence to say to the child (kind "reduce")
    ladder_id: int | None = None
    step_id: int | None = None


@dataclass(frozen=True)
class TrapStory:
    sentence: str
    next_step: NextStep


def _most_often(counted: Counter, recency: dict[str, date]) -> str:
    """The key counted most, then the latest; on a full tie the first recorded (stable: the
    check-in's own order, never a set's)."""
    return max(counted, key=lambda key: (counted[key], recency[key]))


def trap_story(checkins: list[CheckInFact], ladders: list[LadderOption], name: str,
               today: date, days: int = 7) -> TrapStory | None:
    """Tell the trap of the last `days` days in plain words with one next step, or None when
    no calm day in them was bought by avoidance."""
    start = today - timedelta(days=days - 1)
    window = [c for c in checkins if start <= c.day <= today]
    calm_days = sum(1 for c in window if is_calm(c))
    bought = sorted((c for c in window if is_bought_by_avoidance(c)), key=lambda c: c.day)
    if not bought:
        return None
    kinds: Counter = Counter()
    seen: dict[str, date] = {}
    for checkin in bought:
        for kind in dict.fromkeys(a.kind for a in checkin.details):
            kinds[kind] += 1
            seen[kind] = checkin.day
    if not kinds:  # a calm day bought by stepping in alone: no situation to name
        return None
    kind = _most_often(kinds, seen)
    entries = [(c.day, a) for c in bought for a in c.details if a.kind == kind]
    note = next((a.note for _day, a in reversed(entries) if a.note), "")
    ways: Counter = Counter()
    when: dict[str, date] = {}
    for day, entry in entries:
        for way in dict.fromkeys(entry.accommodations):
            ways[way] += 1
            when[way] = day
    way = _most_often(ways, when) if ways else None
    sentence = _sentence(kind, note, kinds[kind], calm_days, way, ways[way] if way else 0,
                         name, days)
    rest = [c for c in bought if kind not in {a.kind for a in c.details}]
    if rest:  # the other calm days bought by avoiding: said in one more short sentence
        what = "Other things were" if len({a.kind for c in rest for a in c.details}) > 1 \
            else AVOIDED_WORDS.get(rest[0].details[0].kind, AVOIDED_WORDS["other"]) + " was"
        sentence += (f" {what} avoided on {len(rest)} other calm "
                     f"{'day' if len(rest) == 1 else 'days'}.")
    return TrapStory(sentence, _next_step(kind, way, ladders, name))


def _sentence(kind: str, note: str, on: int, calm: int, way: str | None, times: int,
              name: str, days: int) -> str:
    what = AVOIDED_WORDS.get(kind, AVOIDED_WORDS["other"])
    said = f" (“{note}”)" if note else ""
    period = "this week" if days == 7 else f"in the last {days} days"
    when = (f"on the one calm day {period}" if calm == 1
            else f"on {on} of the {calm} calm days {period}")
    text = f"{what}{said} was avoided {when}"
    if way:
        did = STEPPED_IN.get(way, STEPPED_IN["other"]).format(name=name)
        how = ("" if on == 1 else " each time" if times == on else f" on {times} of them")
        text += f"; {did}{how}"
    return text + "."


def _next_step(kind: str, way: str | None, ladders: list[LadderOption],
               name: str) -> NextStep:
    areas = AREAS_FOR.get(kind, ("other",))
    match = next((o for area in areas for o in ladders if o.area == area), None)
    if match is not None:
        return NextStep("practise_step", f"One more practice of the step {name} is working on "
                        f"towards this: “{match.step_title}” (from “{match.goal}”).",
                        ladder_id=match.ladder_id, step_id=match.step_id)
    if way is not None:
        do, say = REDUCE.get(way, REDUCE["other"])
        return NextStep("reduce", do.format(name=name), say=say)
    what = AVOIDED_WORDS.get(kind, AVOIDED_WORDS["other"]).lower()
    return NextStep("first_step", f"Turn {what} into a ladder with a first step so small that "
                    f"{name} can manage it this week.")
