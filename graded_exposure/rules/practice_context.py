"""Where, with whom and when in the day a practice happened, and which place to try next.

Fear learned to fade in one place can come back in another; practising a mastered step in a
new place, with someone new, makes the calm last (Craske et al. 2014, inhibitory learning).
A *context*, for the mastery rule's count of places, is a distinct `where` of a practice
(rules/mastery.py): it is the part a family can change most plainly. With whom and the time of
day are recorded and shown, and offered in the suggestion, but not counted.

Each clinical default here has its source in docs/clinical.md (rules/clinical_sources.py).
"""
from collections.abc import Iterable

PLACES = {"home": "Home", "school": "School", "shop": "A shop", "park": "The park",
          "relative": "A relative's house", "other": "Somewhere else"}
PEOPLE = {"parent": "A parent", "caregiver": "Another caregiver", "teacher": "A teacher",
          "friend": "A friend", "alone": "On their own", "other": "Someone else"}
TIMES = {"morning": "Morning", "afternoon": "Afternoon", "evening": "Evening"}

# How the suggestion names a place and a companion inside a sentence, the gentler first.
AT_PLACE = {"home": "at home", "relative": "at a relative's house", "park": "at the park",
             "shop": "at a shop", "school": "at school"}
WITH_PERSON = {"parent": "with a parent", "caregiver": "with another caregiver",
                "friend": "with a friend", "teacher": "with a teacher"}


def context_problem(where: str, with_whom: str, time_of_day: str) -> str | None:
    """Return why a practice's context cannot be stored, or None (each part may be empty)."""
    if where not in ("", *PLACES):
        return "Choose where it happened from the list."
    if with_whom not in ("", *PEOPLE):
        return "Choose who was there from the list."
    if time_of_day not in ("", *TIMES):
        return "Choose the time of day from the list."
    return None


def place_words(places: Iterable[str]) -> str:
    """Name the places covered, in list order: 'Home, The park'."""
    chosen = set(places)
    return ", ".join(label for key, label in PLACES.items() if key in chosen)


def people_words(people: Iterable[str]) -> str:
    """Name who was there, in list order."""
    chosen = set(people)
    return ", ".join(label for key, label in PEOPLE.items() if key in chosen)


def context_words(where: str, with_whom: str, time_of_day: str) -> str:
    """Say a practice's context in a line: 'The park · A friend · Afternoon' ("" if none)."""
    parts = (PLACES.get(where, ""), PEOPLE.get(with_whom, ""), TIMES.get(time_of_day, ""))
    return " · ".join(part for part in parts if part)


def another_context(places: Iterable[str], people: Iterable[str] = ()) -> str:
    """Suggest a new place (and someone new) for a step mastered where it was practised:
    'Try it at the park or with a friend.'"""
    done_places, done_people = set(places), set(people)
    place = next((words for key, words in AT_PLACE.items() if key not in done_places), "")
    person = next((words for key, words in WITH_PERSON.items() if key not in done_people), "")
    if place and person:
        return f"Try it {place} or {person}."
    if place or person:
        return f"Try it {place or person}."
    return "Try it somewhere new."
