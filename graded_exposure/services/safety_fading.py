"""Fading a safety behaviour: add the same step without it, or say not now (rules/safety_fading)."""
from sqlmodel import Session

from ..errors import DomainError
from ..models import Step, User
from ..rules import ladder_rules
from ..rules.safety_fading import CUSTOM_SAFETY_MAX, variant_title
from .ladders import ensure_changeable, record_change
from .steps import add_step


def _checked_behaviour(step: Step, behaviour: str) -> str:
    behaviour = " ".join((behaviour or "").split())
    if not behaviour or len(behaviour) > CUSTOM_SAFETY_MAX:
        raise DomainError("Choose one of the suggestions on this page.")
    if step.status != ladder_rules.MASTERED:
        raise DomainError(f"“{step.title}” is not mastered yet: keep practising it as it is.")
    return behaviour


def variant_of(step: Step, behaviour: str) -> Step | None:
    """The step already added to fade this behaviour from this step, if any."""
    return next((s for s in step.ladder.steps
                 if s.faded_from_id == step.id and s.without_safety == behaviour), None)


def add_faded_step(session: Session, step: Step, behaviour: str,
                   by: User | None = None) -> Step:
    """Add the mastered step again without the safety behaviour, where its fear puts it (after
    every step as hard as it); a second tap finds the one already added."""
    ensure_changeable(step.ladder)
    behaviour = _checked_behaviour(step, behaviour)
    if existing := variant_of(step, behaviour):
        return existing
    variant = add_step(session, step.ladder, by=by, predicted_fear=step.predicted_fear,
                       title=variant_title(step.title, behaviour, ladder_rules.TITLE_MAX),
                       detail=step.detail, social_story=step.social_story,
                       sensory_story=step.sensory_story)
    variant.faded_from_id, variant.without_safety = step.id, behaviour
    session.commit()
    return variant


def dismiss_fading(session: Session, step: Step, behaviour: str,
                   by: User | None = None) -> Step:
    """Stop suggesting to fade this behaviour from this step."""
    ensure_changeable(step.ladder)
    behaviour = _checked_behaviour(step, behaviour)
    if behaviour not in step.fading_dismissed:
        # A new list: the JSON column notices assignment, not changes in place.
        step.fading_dismissed = [*step.fading_dismissed, behaviour]
        record_change(session, step.ladder, by, "fading suggestion put aside")
        session.commit()
    return step
