"""The layout of a caseload summary's step entries (models.ChildSummary.steps), in one place.

child_summary.py writes them; the flags, the caseload and the home screen read them. Each entry
is a JSON list in this order. Rows written before migration b6d8f0a2c4e6 hold only the first
eight fields (up to FLAT); the migration rebuilds them, and until then readers treat a shorter
entry as saying nothing about what it lacks.
"""
LADDER, GOAL, STEP, TITLE, CURRENT, FEAR, SINCE, FLAT, WINDOW, READY, RULE = range(11)
FIELDS = RULE + 1


def complete(entry: list) -> bool:
    """True when the entry holds every field (fear window, readiness, rule)."""
    return len(entry) >= FIELDS


def ready_step_ids(entries: list[list]) -> set[int] | None:
    """The current steps that meet their mastery rule; None when an entry of a current step
    predates readiness (the caller reads the practices instead)."""
    if any(entry[CURRENT] and not complete(entry) for entry in entries):
        return None
    return {entry[STEP] for entry in entries if entry[CURRENT] and entry[READY]}
