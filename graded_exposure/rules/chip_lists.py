"""A ladder's list chosen as chips: suggestions plus the family's own words (the calming plan,
the safety behaviours), and the lists a practice records from them."""
from collections.abc import Sequence
from dataclasses import dataclass


@dataclass(frozen=True)
class ChipList:
    presets: tuple[str, ...]
    own_max: int  # characters of one of the family's own
    most: int  # items on the list
    off_list: str  # the message for a choice that was never offered
    own_too_long: str
    too_many: str

    def after(self, current: Sequence[str], chosen: Sequence[str], own: str) -> list[str]:
        """Return the new list, or raise ValueError with a user-safe message.

        `chosen` may hold presets and the family's own items already listed (unticking one of
        their own removes it); `own` is one new item in their words.
        """
        allowed = set(self.presets) | set(current)
        if any(item not in allowed for item in chosen):
            raise ValueError(self.off_list)
        own = " ".join(own.split())
        if len(own) > self.own_max:
            raise ValueError(self.own_too_long)
        # Presets keep their list order; the family's own follow in the order they were added.
        found = [s for s in self.presets if s in chosen]
        found += [s for s in current if s in chosen and s not in self.presets]
        if own and own not in found:
            found.append(own)
        if len(found) > self.most:
            raise ValueError(self.too_many)
        return found


def recorded_problem(items: Sequence[str], *, most: int, longest: int, plural: str,
                     singular: str) -> str | None:
    """Return why the items a practice records from a list cannot be stored, or None."""
    if len(items) > most:
        return f"Choose at most {most} {plural}."
    if any(len(item) > longest for item in items):
        return f"A {singular} can be at most {longest} characters."
    return None
