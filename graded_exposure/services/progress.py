"""Progress on a ladder: each step's practices, mastery against the ladder's rule, fear charts.

Loads rows in a fixed number of queries whatever the number of steps and practices, turns
them into local-day facts and hands them to the pure rules (mastery, fear_chart).
"""
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from functools import cache, cached_property, lru_cache
from typing import NamedTuple

from sqlalchemy import and_, bindparam, case, func, or_, true, type_coerce, union_all
from sqlalchemy.engine import Connection
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import Child, ExpectancyRerating, Ladder, Practice, Step, User, UTCDateTime
from ..rules import ladder_rules
from ..rules.expectancy_chart import ExpectancyChart, Pair, expectancy_chart
from ..rules.facts import PracticeFact
from ..rules.fear_chart import MAX_SHOWN, FearChart, fear_chart
from ..rules.mastery import (
    MasteryProgress,
    MasteryRule,
    is_qualifying,
    mastery_progress,
    rule_problem,
)
from ..rules.practice_context import another_context, people_words, place_words
from ..rules.safety_fading import FadingSuggestion, fading_suggestions
from ..rules.timezones import local_date
from .insights import practice_fact
from .ladder_lines import LadderLine, StepLine, active_ladders, ladder_steps
from .ladders import ensure_changeable, record_change
from .plain_rows import plain_rows
from .step_windows import before_nth_newest, from_nth_newest, tried
from .utc_days import local_days_of, utc_date


class TableRow(NamedTuple):
    """One practice in a fear chart's table, its day written out once here: formatting dates
    for every row in the template cost more than the rest of the table."""

    iso_day: str  # 2026-10-05, for <time datetime>
    day: str  # 5 Oct
    fear_before: int
    fear_peak: int
    fear_after: int
    counts: bool  # meets the mastery rule


@lru_cache(maxsize=1024)
def _day_words(day: date) -> tuple[str, str]:
    return day.isoformat(), f"{day.day} {day:%b}"


@dataclass
class StepProgress:
    step: Step | StepLine  # a record on the progress page (ladder_progress)
    # Oldest first: every practice of the step (ladders_progress), or only the newest
    # MAX_SHOWN, the ones its chart shows (ladder_progress).
    facts: list[PracticeFact]
    # ladder_progress counts qualifying practices only until the rule is met, which says the
    # same words ("3 of 3 practices, on 2 of 2 days") without reading a long history, and
    # leaves a mastered step's uncounted (None): the page says no words about it.
    mastery: MasteryProgress | None
    rule: MasteryRule
    practice_count: int  # every practice of the step
    mastered_on: date | None = None
    # The same step without a safety behaviour it leaned on (mastered steps, progress page).
    fading: list[FadingSuggestion] = field(default_factory=list)
    # (likelihood before, re-rated) of each practice in `facts`, when the page shows them.
    likelihoods: list[Pair] = field(default_factory=list)

    @cached_property
    def chart(self) -> FearChart:
        """Drawn when a page shows it: the therapist's page shows current steps' charts only."""
        return fear_chart(self.facts, total=self.practice_count)

    @property
    def ready(self) -> bool:
        """True when the step being practised meets the rule and waits for the family's yes."""
        return self.step.status == ladder_rules.CURRENT and self.mastery.met

    @property
    def shown_facts(self) -> list[PracticeFact]:
        """The practices the chart shows, oldest first."""
        return self.facts[len(self.facts) - self.chart.shown:]

    @property
    def shown_likelihoods(self) -> list[Pair]:
        """The likelihoods of the practices the chart shows, oldest first."""
        return self.likelihoods[len(self.likelihoods) - self.chart.shown:]

    @cached_property
    def expectancy(self) -> ExpectancyChart:
        """How likely the feared outcome felt over the same practices as the fear chart."""
        return expectancy_chart(self.shown_likelihoods)

    @property
    def rows(self) -> list["TableRow"]:
        """The shown practices as the chart's table lists them, with whether each counts."""
        rule = self.rule
        return [TableRow(*_day_words(fact.day), fact.fear_before, fact.fear_peak,
                         fact.fear_after, is_qualifying(fact, rule))
                for fact in self.shown_facts]

    @property
    def words(self) -> str:
        """How far the step is towards its rule in words; empty for one left uncounted."""
        return progress_words(self.mastery) if self.mastery else ""

    @property
    def places(self) -> str:
        """The places of the practices the chart shows, named: 'Home, The park'."""
        return place_words(fact.place for fact in self.shown_facts)

    @property
    def people(self) -> str:
        """Who was with the child in the practices the chart shows."""
        return people_words(fact.with_whom for fact in self.shown_facts)

    @property
    def another_place(self) -> str:
        """A new place to try, when only variety stands between the step and mastery."""
        if not (self.mastery and self.mastery.needs_another_place):
            return ""
        return another_context(self.mastery.places, (f.with_whom for f in self.facts))


@dataclass
class LadderProgress:
    ladder: Ladder
    rule: MasteryRule
    steps: list[StepProgress]  # every step, in ladder order

    @property
    def current(self) -> StepProgress | None:
        return next((s for s in self.steps if s.step.status == ladder_rules.CURRENT), None)

    @property
    def shown(self) -> list[StepProgress]:
        """The current step first, then the other practised steps, hardest first."""
        others = [s for s in reversed(self.steps)
                  if s.practice_count and s.step.status != ladder_rules.CURRENT]
        return ([self.current] if self.current else []) + others


def mastery_rule(ladder: Ladder) -> MasteryRule:
    """Return the ladder's mastery rule."""
    return MasteryRule(min_practices=ladder.mastery_min_practices,
                       min_days=ladder.mastery_min_days, max_peak=ladder.mastery_max_peak,
                       count_halving=ladder.mastery_count_halving,
                       min_contexts=ladder.mastery_min_contexts)


def progress_words(mastery: MasteryProgress) -> str:
    """Say how far a step is towards its rule, e.g. '2 of 3 practices, on 1 of 2 days'."""
    rule = mastery.rule
    # Past the target the count stops mattering; "5 of 3" would only confuse.
    practices = min(mastery.qualifying, rule.min_practices)
    days = min(mastery.days, rule.min_days)
    day_word = "day" if rule.min_days == 1 else "days"
    words = (f"{practices} of {rule.min_practices} practices, "
             f"on {days} of {rule.min_days} {day_word}")
    if rule.min_contexts > 1:
        places = min(len(mastery.places), rule.min_contexts)
        words += f", in {places} of {rule.min_contexts} places"
    return words


_FACTS = (Practice.step_id, Practice.practiced_at, Practice.fear_before, Practice.fear_peak,
          Practice.fear_after, Practice.outcome, Practice.context_where, Practice.context_with,
          Practice.safety_used)
_STEP_FACTS = (select(*_FACTS).where(Practice.step_id.in_(bindparam("step_ids", expanding=True)))
               .order_by(Practice.practiced_at, Practice.id))


def facts_by_step(session: Session, step_ids: list[int],
                  tz: str) -> dict[int, list[PracticeFact]]:
    """Load the fear ratings of these steps' practices in one query, oldest first."""
    found: dict[int, list[PracticeFact]] = defaultdict(list)
    if step_ids:
        for row in session.connection().execute(_STEP_FACTS, {"step_ids": list(step_ids)}):
            found[row.step_id].append(practice_fact(row, tz))
    return found


# The practice's re-rating, if any (at most one: unique per practice, read by that index).
_RERATED = (select(ExpectancyRerating.likelihood)
            .where(ExpectancyRerating.practice_id == Practice.id)
            .scalar_subquery().label("rerated"))


@cache
def _newest_practices(steps: int):
    """The newest MAX_SHOWN practices of each of `steps` steps (step_0, step_1, ...), oldest
    first: a LIMIT per step on the (step, time) index reads only those, where a window over
    every practice cost SQLite 16-24 ms for a ladder with 2,000."""
    newest = [select(*_FACTS, Practice.id, Practice.expected_likelihood, _RERATED)
              .where(Practice.step_id == bindparam(f"step_{n}"))
              .order_by(Practice.practiced_at.desc(), Practice.id.desc())
              .limit(MAX_SHOWN).subquery() for n in range(steps)]
    every = union_all(*(select(*part.c) for part in newest)).subquery()
    return select(*every.c).order_by(every.c.practiced_at, every.c.id)


def newest_facts(connection: Connection, step_ids: list[int], tz: str) -> tuple[
        dict[int, list[PracticeFact]], dict[int, list[Pair]]]:
    """The newest MAX_SHOWN practices of each step as facts, oldest first, and each one's
    (likelihood before, re-rated), in one statement whatever the steps' history."""
    shown: dict[int, list[PracticeFact]] = defaultdict(list)
    likelihoods: dict[int, list[Pair]] = defaultdict(list)
    if step_ids:
        found = plain_rows(connection.execute(
            _newest_practices(len(step_ids)),
            {f"step_{n}": step_id for n, step_id in enumerate(step_ids)}))
        for row in found:
            shown[row.step_id].append(practice_fact(row, tz))
            likelihoods[row.step_id].append((row.expected_likelihood, row.rerated))
    return shown, likelihoods


_COUNTS = (select(Practice.step_id, func.count())
           .where(Practice.step_id.in_(bindparam("step_ids", expanding=True)))
           .group_by(Practice.step_id))


def ladder_progress(session: Session, ladder: Ladder) -> LadderProgress:
    """Evaluate every step of a ladder loaded with its child and family for the progress page,
    reading only what it shows, whatever the history: the steps as records, each one's count of
    practices and newest MAX_SHOWN, and the qualifying practices of the practised steps not yet
    mastered, newest first, until each one's rule is met."""
    tz, rule = ladder.child.family.timezone, mastery_rule(ladder)
    connection = session.connection()
    steps = ladder_steps(connection, ladder)
    counts = dict(connection.execute(_COUNTS, {"step_ids": [s.id for s in steps]}).all())
    shown, likelihoods = newest_facts(connection, [step.id for step in steps
                                                   if step.id in counts], tz)
    mastery = mastery_until_met(connection, {
        step.id: rule for step in steps
        if step.id in counts and step.status != ladder_rules.MASTERED}, tz)
    return LadderProgress(ladder=ladder, rule=rule, steps=[
        StepProgress(step=step, facts=shown[step.id], rule=rule,
                     practice_count=counts.get(step.id, 0), mastered_on=_mastered_on(step, tz),
                     likelihoods=likelihoods[step.id],
                     mastery=None if step.status == ladder_rules.MASTERED
                     else mastery.get(step.id, MasteryProgress(0, 0, rule)),
                     fading=_fading(step, steps, shown[step.id], rule))
        for step in steps])


def _fading(step: StepLine, steps: list[StepLine], facts: list[PracticeFact],
            rule: MasteryRule) -> list[FadingSuggestion]:
    """Suggest fading what a mastered step leaned on, judged on the practices its chart shows,
    unless the variant was added or the family put the suggestion aside."""
    if step.status != ladder_rules.MASTERED or not facts:
        return []
    added = {s.without_safety for s in steps if s.faded_from_id == step.id}
    return fading_suggestions(step.id, step.title, facts, rule,
                              added | set(step.fading_dismissed), ladder_rules.TITLE_MAX)


def ladders_progress(session: Session, ladders: list[Ladder], tz: str) -> list[LadderProgress]:
    """Evaluate every step of ladders loaded with their steps, in one query for the practices."""
    facts = facts_by_step(session, [step.id for ladder in ladders for step in ladder.steps], tz)
    return [_evaluated(ladder, facts, tz) for ladder in ladders]


def _evaluated(ladder: Ladder, facts: dict[int, list[PracticeFact]], tz: str) -> LadderProgress:
    rule = mastery_rule(ladder)
    return LadderProgress(ladder=ladder, rule=rule, steps=[
        StepProgress(step=step, facts=facts[step.id], practice_count=len(facts[step.id]),
                     mastery=mastery_progress(facts[step.id], rule), rule=rule,
                     mastered_on=_mastered_on(step, tz))
        for step in ladder.steps])


def _mastered_on(step: Step, tz: str) -> date | None:
    return local_date(step.mastered_at, tz) if step.mastered_at else None


def step_mastery(session: Session, step: Step) -> MasteryProgress:
    """Return how far one step is towards its ladder's mastery rule (counted until it is met)."""
    tz = step.ladder.child.family.timezone
    rules = {step.id: mastery_rule(step.ladder)}
    return mastery_until_met(session.connection(), rules, tz)[step.id]


def ready_steps(session: Session, child: Child, ladders: list[LadderLine] | None = None,
                known: set[int] | None = None) -> list[StepLine]:
    """Return the current steps of the child's active ladders that meet their mastery rule
    (`ladders`: those ladders with their steps, when the caller has them already; `known`:
    the ready steps' ids, when the child's summary keeps them).

    One statement reads the current steps' qualifying practices, newest first and taking the
    steps in turn; reading stops once every step has met its rule, so the home screen does not
    walk a step's whole history to say it is ready.
    """
    if ladders is None:
        ladders = active_ladders(session.connection(), child.id)
    ready = known
    if ready is None:
        rules = {step.id: mastery_rule(ladder) for ladder in ladders for step in ladder.steps
                 if step.status == ladder_rules.CURRENT}
        ready = meeting_their_rules(session.connection(), rules, child.family.timezone)
    return [step for ladder in ladders for step in ladder.steps if step.id in ready]


# The practices that can count towards mastery under their ladder's rule: rules.mastery's
# is_qualifying said in SQL (test_progress holds the two equal on every possible practice under
# several rules). Grouped by step, UTC date and place, each group's qualifying practices counted
# with their first and last moment; ranked newest date first within each step and read rank by
# rank: every step's newest day, then every step's second newest, and so on. A UTC date holds
# at most two local days, those of its first and last moments (utc_days.py), so the local days
# counted are exact and a day of many practices is one row per place told.
_HALVED = and_(Practice.fear_peak > 0, Practice.fear_after * 2 <= Practice.fear_peak)
_QUALIFYING = and_(tried(Practice.outcome),
                   or_(Practice.fear_peak <= Ladder.mastery_max_peak,
                       and_(Ladder.mastery_count_halving == true(), _HALVED)))
_DAY = utc_date(Practice.practiced_at)
# Each step's newest practices first, whatever their outcome: a step's rule is usually met (or
# not) within them, and its older practices are read only when it is not met there and there
# are more (step_windows.py). A rule asks for 20 practices at most; 100 (three months of daily
# tries) leaves room for tries that do not count and for days of many tries, and reads in
# 0.4 ms what a step of 257 practices took 0.9 ms to group.
QUALIFYING_WINDOW = 100


def _qualifying_days(older: bool):
    """The grouped rows, newest date first, over each step's newest practices (the window's
    size a parameter) or, `older`, the practices before those. A group of the newest also
    counts every practice read (`seen`), qualifying or not, so a step's count says whether
    there are more; the older read qualifying practices only."""
    steps = select().select_from(Step).join(Ladder, Ladder.id == Step.ladder_id)
    if not older:
        practices, moment = func.sum(case((_QUALIFYING, 1), else_=0)), case(
            (_QUALIFYING, Practice.practiced_at))
        joined = steps.join(Practice, from_nth_newest(bindparam("window_offset")))
    else:
        practices, moment = func.count(), Practice.practiced_at
        joined = (steps.join(Practice, before_nth_newest(bindparam("window_offset")))
                  .where(_QUALIFYING))
    grouped = (
        joined.add_columns(
            Practice.step_id, practices.label("practices"), func.count().label("seen"),
            type_coerce(func.min(moment), UTCDateTime).label("first"),
            type_coerce(func.max(moment), UTCDateTime).label("last"),
            Practice.context_where.label("place"),
            func.row_number().over(partition_by=Practice.step_id,
                                   order_by=(_DAY.desc(), Practice.context_where)).label("n"))
        .where(Step.id.in_(bindparam("step_ids", expanding=True)))
        .group_by(Practice.step_id, _DAY, Practice.context_where)
        .subquery())
    return (select(grouped.c.step_id, grouped.c.practices, grouped.c.seen, grouped.c.first,
                   grouped.c.last, grouped.c.place)
            .order_by(grouped.c.n, grouped.c.step_id))


_QUALIFYING_DAYS = {older: _qualifying_days(older) for older in (False, True)}


def qualifying_days(connection: Connection, step_ids: list[int], window: int, *,
                    older: bool = False):
    """(step id, practices, seen, first, last, place) per UTC date and place of these steps'
    practices, each step's newest date first, taken rank by rank (a result to iterate: stop
    when you have enough): over each step's newest `window` practices (ties at the edge
    included), groups without a qualifying practice too; with `older`, over the qualifying
    practices before those."""
    return connection.execute(_QUALIFYING_DAYS[older], {"step_ids": list(step_ids),
                                                        "window_offset": window - 1})


def meeting_their_rules(connection: Connection, rules: dict[int, MasteryRule],
                         tz: str) -> set[int]:
    """The ids of the steps in `rules` whose practices meet their rule."""
    return {step_id for step_id, progress in mastery_until_met(connection, rules, tz).items()
            if progress.met}


def mastery_until_met(connection: Connection, rules: dict[int, MasteryRule],
                      tz: str) -> dict[int, MasteryProgress]:
    """How far each step in `rules` is towards its rule, its qualifying practices counted
    newest first until the rule is met (exact for a step that does not meet it).

    Each step's newest QUALIFYING_WINDOW practices are read first; the practices before those
    only for the steps that do not meet their rule there and have more. Meeting the rule can
    only grow with more practices, so a step met in its window is met."""
    if not rules:
        return {}
    window, tally = QUALIFYING_WINDOW, _Tally(rules, tz)
    tally.read(qualifying_days(connection, list(rules), window))
    more = [step_id for step_id, count in tally.seen.items()
            if count >= window and step_id not in tally.met]
    if more:
        tally.read(qualifying_days(connection, more, window, older=True))
    return tally.progress()


@dataclass
class _Tally:
    """Steps' qualifying practices, days and places, counted from grouped rows newest first
    until each step meets its rule; and how many practices were read of each step."""

    rules: dict[int, MasteryRule]
    tz: str
    counts: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    seen: dict[int, int] = field(default_factory=lambda: defaultdict(int))
    days: dict[int, set] = field(default_factory=lambda: defaultdict(set))
    places: dict[int, set] = field(default_factory=lambda: defaultdict(set))
    met: set[int] = field(default_factory=set)

    def read(self, found) -> None:
        """Count these rows (stopping once every step has met its rule)."""
        try:
            for step_id, practices, read, first, last, place in found:
                if step_id in self.met:
                    continue
                self.seen[step_id] += read
                if not practices:
                    continue
                self.counts[step_id] += practices
                self.days[step_id] |= local_days_of(first, last, self.tz)
                if place:
                    self.places[step_id].add(place)
                if self._progress(step_id, self.rules[step_id]).met:
                    self.met.add(step_id)
                    if len(self.met) == len(self.rules):
                        break
        finally:
            found.close()

    def progress(self) -> dict[int, MasteryProgress]:
        return {step_id: self._progress(step_id, rule) for step_id, rule in self.rules.items()}

    def _progress(self, step_id: int, rule: MasteryRule) -> MasteryProgress:
        return MasteryProgress(self.counts[step_id], len(self.days[step_id]), rule,
                               frozenset(self.places[step_id]))


def set_mastery_rule(session: Session, ladder: Ladder, *, min_practices: int, min_days: int,
                     max_peak: int, count_halving: bool, min_contexts: int = 1,
                     by: User | None = None) -> Ladder:
    """Change the ladder's mastery rule; steps already mastered stay mastered."""
    ensure_changeable(ladder)
    values = {"min_practices": min_practices, "min_days": min_days, "max_peak": max_peak,
              "min_contexts": min_contexts}
    if problem := rule_problem(values):
        raise DomainError(problem)
    ladder.mastery_min_practices, ladder.mastery_min_days = min_practices, min_days
    ladder.mastery_min_contexts = min_contexts
    ladder.mastery_max_peak, ladder.mastery_count_halving = max_peak, bool(count_halving)
    record_change(session, ladder, by, "mastery rule changed")
    session.commit()
    return ladder
