"""The faces thermometer a young child uses: five faces on the same 0-10 fear scale.

The faces are drawn by templates/_macros/icons.html, by key. Each clinical default here has
its source in docs/clinical.md (rules/clinical_sources.py).
"""
from dataclasses import dataclass


@dataclass(frozen=True)
class Face:
    key: str
    label: str
    fear: int


# Spread over the whole scale so a child's "very scared" counts as fully as a caregiver's 10.
FACES: tuple[Face, ...] = (
    Face("very_happy", "Very happy", 0),
    Face("happy", "Happy", 3),
    Face("ok", "OK", 5),
    Face("worried", "Worried", 7),
    Face("very_scared", "Very scared", 10),
)
_BY_KEY = {face.key: face for face in FACES}


def fear_for_face(key: str) -> int:
    """Return the 0-10 fear a face stands for; an unknown face is a ValueError."""
    try:
        return _BY_KEY[key].fear
    except (KeyError, TypeError):
        raise ValueError(f"unknown face: {key!r}") from None


def face_for_fear(fear: int) -> Face:
    """Return the face nearest to a 0-10 fear; a tie goes to the more scared face."""
    return min(reversed(FACES), key=lambda face: abs(face.fear - fear))


def face_for_key(key: str | None) -> Face | None:
    """Return the face with this key, or None for no key or an unknown one."""
    return _BY_KEY.get(key) if isinstance(key, str) else None


def faces_of(rated) -> tuple[Face, Face] | None:
    """Return the child's before and after faces of a rated try (child_fear_*), or None."""
    if rated.child_fear_before is None or rated.child_fear_after is None:
        return None
    return face_for_fear(rated.child_fear_before), face_for_fear(rated.child_fear_after)
