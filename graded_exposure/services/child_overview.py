"""What a child's home screen shows: active ladders, their current steps, recent practices."""
from dataclasses import dataclass, field

from sqlmodel import Session, select

from ..models import Child, Ladder, Practice


@dataclass
class ChildOverview:
    ladders: list[Ladder] = field(default_factory=list)
    recent_practices: list[Practice] = field(default_factory=list)


def for_child(session: Session, child: Child) -> ChildOverview:
    """Load what the child's home screen needs in a fixed number of queries."""
    ladders = session.exec(select(Ladder).where(Ladder.child_id == child.id,
                                                Ladder.status == "active").order_by(Ladder.id))
    practices = session.exec(select(Practice).where(Practice.child_id == child.id)
                             .order_by(Practice.practiced_at.desc()).limit(10))
    return ChildOverview(ladders=list(ladders), recent_practices=list(practices))
