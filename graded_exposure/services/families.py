"""Families: children, the family time zone, and inviting a co-caregiver."""
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import bindparam
from sqlalchemy.orm import selectinload
from sqlmodel import Session, select

from ..errors import DomainError, TokenInvalid
from ..models import Child, Family, FamilyInvite, User, utcnow
from ..rules.passwords import password_problem
from ..rules.timezones import valid_timezone
from ..vocabulary import Role
from . import audit, child_summary, reminders, tokens
from .accounts import hash_password, normalise_email


def add_child(session: Session, user: User, *, display_name: str, age_band: str = "",
              birth_year: int | None = None, avatar: str = "") -> Child:
    """Add a child to the user's family."""
    if user.family_id is None:
        raise DomainError("Only caregivers can add children.")
    child = Child(family_id=user.family_id, display_name=display_name.strip(),
                  age_band=age_band, birth_year=birth_year, avatar=avatar)
    session.add(child)
    session.commit()
    return child


def update_child(session: Session, child: Child, *, display_name: str, age_band: str = "",
                 birth_year: int | None = None, avatar: str = "") -> Child:
    """Rename a child or change their age and avatar."""
    child.display_name = display_name.strip()
    child.age_band, child.birth_year, child.avatar = age_band, birth_year, avatar
    session.commit()
    return child


def delete_child(session: Session, user: User, child: Child) -> None:
    """Delete a child and everything recorded about them, for real."""
    audit.record(session, "child_deleted", actor_id=user.id, family_id=child.family_id,
                 subject=f"child:{child.id}")
    session.delete(child)
    session.commit()


_CHILDREN = select(Child).where(Child.family_id == bindparam("family_id")).order_by(Child.id)


def with_caregivers(session: Session, family_id: int) -> Family:
    """The family with its caregivers and children, for the family page."""
    return session.exec(select(Family).where(Family.id == family_id)
                        .options(selectinload(Family.caregivers),
                                 selectinload(Family.children))).one()


def caregivers(session: Session, family_id: int) -> list[User]:
    """Return the family's caregivers, oldest account first."""
    return list(session.exec(select(User).where(User.family_id == family_id,
                                                User.role == Role.CAREGIVER).order_by(User.id)))


def family_children(session: Session, family_id: int) -> list[Child]:
    """Return the children of a family, oldest record first."""
    return list(session.exec(_CHILDREN, params={"family_id": family_id}))


def set_timezone(session: Session, family: Family, name: str) -> None:
    """Change the family's IANA time zone."""
    if not valid_timezone(name):
        raise DomainError("Choose a time zone from the list.")
    # Locks first, reading after: a practice replacing a child's pending re-rating question
    # takes the child's lock and then deletes the question, which is one of the reminders
    # moved here. Taking the children's locks (PostgreSQL; in the order the summary's rebuild
    # takes them at the commit) and writing the family's row (SQLite's one writer) before
    # reading the reminders, this waits for such a writer and then reads what it left: no
    # deadlock, and no reminder updated after it was deleted.
    connection = session.connection()
    for child_id in session.exec(_CHILD_IDS, params={"family_id": family.id}):
        child_summary.lock_child(connection, child_id)
    old, family.timezone = family.timezone, name
    session.flush()
    # The family page says reminders follow this zone: those in the old one come along.
    reminders.move_zone(session, family.id, old, name)
    session.commit()


_CHILD_IDS = select(Child.id).where(Child.family_id == bindparam("family_id")).order_by(Child.id)


def create_invite(session: Session, user: User, email: str, lifetime: timedelta,
                  deliver: Callable[[str], None] | None = None) -> str:
    """Create a single-use invite to the user's family and return its secret token.

    With `deliver`, the invite is stored only if deliver(token) sent the email carrying it.
    """
    token, token_hash = tokens.new_token()
    session.add(FamilyInvite(family_id=user.family_id, invited_by_id=user.id,
                             email=normalise_email(email), token_hash=token_hash,
                             expires_at=utcnow() + lifetime))
    audit.record(session, "caregiver_invited", actor_id=user.id, family_id=user.family_id)
    tokens.commit_once_sent(session, lambda: deliver(token) if deliver else None)
    return token


INVITE_REFUSED = "This invitation link is invalid, already used or expired. Ask for a new one."


def live_invite(session: Session, token: str) -> FamilyInvite:
    """Return the invite for this token, or raise TokenInvalid if unknown, used or expired."""
    return _live(session.exec(select(FamilyInvite).where(
        FamilyInvite.token_hash == tokens.hash_token(token))).first())


def live_invite_by_id(session: Session, invite_id: int) -> FamilyInvite:
    """The invite a waiting sign-up was made from, or TokenInvalid if used or expired since."""
    return _live(session.get(FamilyInvite, invite_id))


def _live(invite: FamilyInvite | None) -> FamilyInvite:
    if invite is None or invite.used_at is not None or invite.expires_at < utcnow():
        raise TokenInvalid(INVITE_REFUSED)
    return invite


@dataclass(frozen=True)
class InvitationFrom:
    """Who sent an invitation, and the children of the family it leads to."""

    inviter: str  # empty once the inviter's account is gone
    children: list[str]


def invitation_from(session: Session, invite: FamilyInvite) -> InvitationFrom:
    """Return who invited and to which family, for the person deciding whether to join."""
    inviter = session.exec(select(User.display_name).where(
        User.id == invite.invited_by_id)).first() if invite.invited_by_id else None
    children = session.exec(select(Child.display_name).where(
        Child.family_id == invite.family_id).order_by(Child.id)).all()
    return InvitationFrom(inviter=inviter or "", children=list(children))


def join_family(session: Session, token: str, *, email: str, password: str,
                display_name: str) -> User:
    """Create a caregiver account inside the inviting family, using the invite once."""
    invite = live_invite(session, token)
    if problem := password_problem(password):
        raise DomainError(problem)
    email = normalise_email(email)
    if session.exec(select(User.id).where(User.email == email)).first():
        raise DomainError("We could not create an account with that email. "
                          "If you already have one, log in first and open the link again.")
    # The invitation went to one address: joining with it proves the mailbox is theirs.
    confirmed = utcnow() if invite.email and invite.email == email else None
    user = User(email=email, display_name=display_name.strip(), role=Role.CAREGIVER,
                password_hash=hash_password(password), family_id=invite.family_id,
                email_confirmed_at=confirmed)
    session.add(user)
    session.flush()
    use_invite(session, invite, user)
    return user


def accept_invite(session: Session, token: str, user: User) -> None:
    """Move a logged-in caregiver whose own family has no children into the inviting family."""
    invite = live_invite(session, token)
    if user.role != Role.CAREGIVER:
        raise DomainError("Only caregivers can join a family.")
    if user.family_id == invite.family_id:
        raise DomainError("You are already in this family.")
    if user.family_id is not None and family_children(session, user.family_id):
        raise DomainError("Your account already has children of its own. Use another "
                          "account to join this family.")
    user.family_id = invite.family_id
    use_invite(session, invite, user)


def use_invite(session: Session, invite: FamilyInvite, user: User) -> None:
    """Mark the invite used by the user who joined with it, and commit. Used by someone else
    since it was read (two people on one link at once), it lets nobody else in: TokenInvalid,
    and the transaction (the joiner's new account with it) is rolled back."""
    tokens.use_once(session, invite, INVITE_REFUSED, used_by_id=user.id)
    audit.record(session, "caregiver_joined", actor_id=user.id, family_id=invite.family_id)
    session.commit()
