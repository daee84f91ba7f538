"""One page of a newest-first list: its rows, its number, and whether older rows follow."""
from dataclasses import dataclass, replace
from typing import Generic, TypeVar

from sqlmodel import Session
from sqlmodel.sql.expression import SelectOfScalar

MAX_PAGE = 100_000  # a larger page is empty anyway, and an absurd one would overflow OFFSET

Row = TypeVar("Row")


@dataclass(frozen=True)
class Page(Generic[Row]):
    """One page of rows, numbered from 1 (the newest)."""

    rows: list[Row]
    page: int
    has_older: bool

    @property
    def has_newer(self) -> bool:
        return self.page > 1

    def with_rows(self, rows: list) -> "Page":
        """Return the same page holding other rows (the found ones, described for showing)."""
        return replace(self, rows=rows)


def clamped(page: int) -> int:
    """The page number to show for the one asked: 1..MAX_PAGE."""
    return min(max(page, 1), MAX_PAGE)


def window(page: int, per_page: int) -> dict[str, int]:
    """LIMIT and OFFSET of a page: one row more than it shows, to tell whether older follow."""
    return {"limit": per_page + 1, "offset": (page - 1) * per_page}


def page_of(found: list, page: int, per_page: int) -> Page:
    """The page the rows of its window() make."""
    return Page(found[:per_page], page, len(found) > per_page)


def paginate(session: Session, query: SelectOfScalar, page: int, per_page: int,
             params: dict | None = None) -> Page:
    """Run an ordered query (with its bound `params`) for page `page` (clamped) of `per_page`
    rows."""
    page = clamped(page)
    rows = window(page, per_page)
    found = list(session.exec(query.offset(rows["offset"]).limit(rows["limit"]), params=params))
    return page_of(found, page, per_page)
