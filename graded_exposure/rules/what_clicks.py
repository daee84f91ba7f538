"""What clicks for this child: the approaches that went with higher engagement in sessions.

For each approach tried (whatever the therapist marked: clicked, partly or didn't), take the
mean engagement (1 to 5) of the sessions it was tried in; rank the approaches by that mean,
highest first, ties broken by how often they were tried, then by name. Only sessions with an
engagement level count. The rule says nothing until the child has MIN_SESSIONS such sessions,
and an approach is ranked only once it was tried in MIN_TRIES of them; the answer always says
how many sessions it rests on.

It describes an association over a handful of sessions, not a cause. Source note: the minimum
follows single-case practice (Kazdin, *Single-Case Research Designs*, 2nd ed., 2011: at least
three to five data points before reading a pattern) and routine-outcome-monitoring advice to
discuss trends with the client rather than act on one session (Lambert, *Prevention of
Treatment Failure*, 2010). The exact numbers (4 sessions, 2 tries) are the team's choice.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable
from dataclasses import dataclass

MIN_SESSIONS = 4
MIN_TRIES = 2


@dataclass(frozen=True)
class SessionFact:
    """One session as the rule needs it: its engagement and the approaches tried in it."""

    engagement: int | None
    approaches: frozenset[str]


@dataclass(frozen=True)
class ApproachScore:
    approach: str
    tries: int
    mean_engagement: float


@dataclass(frozen=True)
class WhatClicks:
    sessions: int  # sessions with an engagement level: what the ranking rests on
    ranked: tuple[ApproachScore, ...]  # empty until there are enough sessions

    @property
    def speaks(self) -> bool:
        """True once there are enough sessions to say anything."""
        return self.sessions >= MIN_SESSIONS

    @property
    def sessions_needed(self) -> int:
        """How many more sessions with an engagement level before the rule speaks."""
        return max(0, MIN_SESSIONS - self.sessions)


def rank_approaches(sessions: Iterable[SessionFact]) -> WhatClicks:
    """Rank the approaches by the mean engagement of the sessions they were tried in."""
    rated = [s for s in sessions if s.engagement is not None]
    if len(rated) < MIN_SESSIONS:
        return WhatClicks(sessions=len(rated), ranked=())
    engagements: dict[str, list[int]] = {}
    for session in rated:
        for approach in session.approaches:
            engagements.setdefault(approach, []).append(session.engagement)
    scores = [ApproachScore(approach, len(values), round(sum(values) / len(values), 2))
              for approach, values in engagements.items() if len(values) >= MIN_TRIES]
    scores.sort(key=lambda s: (-s.mean_engagement, -s.tries, s.approach))
    return WhatClicks(sessions=len(rated), ranked=tuple(scores))
