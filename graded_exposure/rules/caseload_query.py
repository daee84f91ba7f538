"""How a therapist narrows and orders the caseload: search by name, filter by flag, sort.

Definitions:
- `q` keeps the children whose name contains it, ignoring case and accents (trimmed; at most
  MAX_QUERY characters).
- `flag` keeps the children with that attention reason (behind_target or a flag's kind);
  "any" keeps every child needing attention; empty keeps everyone.
- `sort`: "need" (the attention order, rules/attention.py), "last_activity" (most recent
  first, nothing logged yet last), or "adherence" (lowest share of the practice target this
  week first, then over four weeks). Every order ends with the name, so it never wobbles.
Rows are anything with the caseload row's attributes (services/caseload.py CaseloadRow).
"""
import unicodedata
from dataclasses import dataclass

MAX_QUERY = 60
REASON_KINDS = ("hopelessness", "behind_target", "no_practice", "stuck_easy", "fear_not_falling",
                "avoidance_rising")
ANY = "any"
FLAG_CHOICES = ("", ANY, *REASON_KINDS)
SORTS = ("need", "last_activity", "adherence")


@dataclass(frozen=True)
class CaseloadQuery:
    q: str = ""
    flag: str = ""
    sort: str = "need"

    @property
    def is_default(self) -> bool:
        return self == DEFAULT


DEFAULT = CaseloadQuery()


def matches(row, query: CaseloadQuery) -> bool:
    """True when the row's child fits the search and the flag filter."""
    if query.q and _comparable(query.q) not in _comparable(row.child.display_name):
        return False
    if query.flag == ANY:
        return row.needs_attention
    if query.flag:
        return any(reason.kind == query.flag for reason in row.reasons)
    return True


def _comparable(name: str) -> str:
    """A name as search compares it: no accents (é, however it was typed, is e; "zoe" finds
    "Zoë"), compatibility forms folded (full-width letters), and no case."""
    letters = unicodedata.normalize("NFKD", name)
    return "".join(c for c in letters if not unicodedata.combining(c)).casefold()


def _by_last_activity(row) -> tuple:
    moment = row.last_activity
    return (moment is None, -moment.timestamp() if moment else 0,
            row.child.display_name.casefold())


def _by_adherence(row) -> tuple:
    return (row.days_last_7 / row.target, row.days_last_28 / (row.target * 4),
            row.child.display_name.casefold())


_KEYS = {"need": lambda row: row.attention_key, "last_activity": _by_last_activity,
         "adherence": _by_adherence}


def select_rows(rows: list, query: CaseloadQuery) -> list:
    """The rows the query keeps, in its order."""
    return sorted((row for row in rows if matches(row, query)), key=_KEYS[query.sort])
