"""Therapist links: a code or an email invitation, a caregiver's consent, and ending it.

A link gives one therapist access to one child. It becomes active only with a caregiver's
consent, recorded on the row (who, when, and the exact words of what is shared). Either side
can end it; access checks (access.py) read the status on every request, so ending is instant.
Codes and invitation tokens are stored only as SHA-256 hashes, and each works once.
"""
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, func, select

from ..errors import DomainError, TokenInvalid
from ..models import ACTIVE_LINK, AuditEvent, Child, TherapistLink, User, utcnow
from ..rules import link_codes
from ..rules.durations import in_words
from ..vocabulary import LinkStatus, Role
from . import accounts, audit, consent_ending, live_sessions, tokens
from .accounts import normalise_email

CODE_LIFETIME = timedelta(days=7)
MAX_WRONG_CODES = 10  # per caregiver per window: 40-bit codes cannot be guessed online
WRONG_CODE_WINDOW = timedelta(minutes=15)
CODE_REFUSED = ("That code does not work: it may be mistyped, used already or older than "
                f"{in_words(CODE_LIFETIME)}. Check it with your therapist.")
CODE_THROTTLED = "Too many codes that did not work. Please wait 15 minutes and try again."


def scope_lines(child_name: str) -> list[str]:
    """Return what a caregiver agrees to share, line by line, exactly as stored."""
    return [
        f"Shared: {child_name}'s ladders and steps; practices with fear ratings, notes and "
        "small wins; check-ins with what was avoided, how it was accommodated and distress; "
        "other therapists' notes, homework and what helped in sessions.",
        "The therapist may change ladders and steps, write notes and homework, schedule "
        "reminders for your family and export this data.",
        "Not shared: your other children and your family's account details.",
        "You or the therapist can end this at any time.",
    ]


def scope_text(child_name: str) -> str:
    """Return the consent wording stored on the link."""
    return " ".join(scope_lines(child_name))


def _refuse_unless_therapist(user: User) -> None:
    if user.role != Role.THERAPIST:
        raise DomainError("Only a therapist account can do this.")


def _refuse_unless_caregiver_of(user: User, child: Child) -> None:
    if user.role != Role.CAREGIVER or user.family_id is None or user.family_id != child.family_id:
        raise DomainError("Only a caregiver in the child's family can share the child's data.")


def _refuse_if_already_linked(session: Session, therapist_id: int, child: Child) -> None:
    linked = session.exec(select(TherapistLink.id).where(
        TherapistLink.therapist_id == therapist_id, TherapistLink.child_id == child.id,
        ACTIVE_LINK)).first()
    if linked is not None:
        raise DomainError(_already_linked(child))


def _already_linked(child: Child) -> str:
    return f"This therapist already has access to {child.display_name}."


def _claim(session: Session, link: TherapistLink, child: Child, refused: str = CODE_REFUSED,
           **values) -> None:
    """Turn a pending link active exactly once, even if two requests race for it; the loser
    is refused with `refused` (the code's words, or the invitation's). Two links of one
    therapist and child going live at once (two codes): the database's one-active-link index
    refuses the later, rolled back, in the words of a link already there."""
    already = _already_linked(child)
    try:
        tokens.use_once(session, link, refused,
                        unused=TherapistLink.status == LinkStatus.PENDING,
                        status=LinkStatus.ACTIVE, code_hash="", **values)
    except IntegrityError:
        session.rollback()
        raise DomainError(already) from None
    session.refresh(link)


# --- (a) a therapist's code, entered by a caregiver -------------------------------------------

def create_code(session: Session, therapist: User, ip: str = "") -> str:
    """Create a single-use code for the therapist and return it for display, once."""
    _refuse_unless_therapist(therapist)
    code = link_codes.new_code()
    session.add(TherapistLink(therapist_id=therapist.id, created_by_id=therapist.id,
                              code_hash=tokens.hash_token(code),
                              expires_at=utcnow() + CODE_LIFETIME))
    audit.record(session, "link_code_created", actor_id=therapist.id, ip=ip)
    session.commit()
    return link_codes.display_code(code)


def _wrong_codes(session: Session, user: User) -> int:
    return session.exec(select(func.count()).select_from(AuditEvent).where(
        AuditEvent.action == "link_code_failed", AuditEvent.actor_id == user.id,
        AuditEvent.at > utcnow() - WRONG_CODE_WINDOW)).one()


def find_code(session: Session, caregiver: User, text: str, ip: str = "") -> TherapistLink:
    """Return the pending link for a code a caregiver typed, or raise (and count a miss)."""
    if _wrong_codes(session, caregiver) >= MAX_WRONG_CODES:
        raise DomainError(CODE_THROTTLED)
    code = link_codes.normalise_code(text)
    link = code and session.exec(select(TherapistLink).where(
        TherapistLink.code_hash == tokens.hash_token(code),
        TherapistLink.status == LinkStatus.PENDING,
        TherapistLink.child_id.is_(None))).first()
    if not link or _expired(link, utcnow()):
        audit.record(session, "link_code_failed", actor_id=caregiver.id,
                     family_id=caregiver.family_id, ip=ip)
        session.commit()
        raise TokenInvalid(CODE_REFUSED)
    return link


def accept_code(session: Session, caregiver: User, child: Child, text: str,
                ip: str = "") -> TherapistLink:
    """Consent to share a child with the therapist whose code this is; the link goes live."""
    _refuse_unless_caregiver_of(caregiver, child)
    link = find_code(session, caregiver, text, ip)
    if link.therapist_id == caregiver.id:
        raise DomainError("You cannot link yourself to a child.")
    _refuse_if_already_linked(session, link.therapist_id, child)
    now = utcnow()
    _claim(session, link, child, child_id=child.id, consented_by_id=caregiver.id, consented_at=now,
           shared_scope=scope_text(child.display_name))
    audit.record(session, "consent_given", actor_id=caregiver.id, family_id=child.family_id,
                 subject=f"child:{child.id} with therapist:{link.therapist_id}", ip=ip)
    session.commit()
    return link


# --- (b) a caregiver's email invitation, accepted by a therapist ------------------------------

def invite_by_email(session: Session, caregiver: User, child: Child, email: str,
                    lifetime: timedelta, ip: str = "",
                    deliver: Callable[[str], None] | None = None) -> str:
    """Consent now and invite a therapist by email; return the single-use token for the link.

    With `deliver`, the invitation is stored only if deliver(token) sent the email.
    """
    _refuse_unless_caregiver_of(caregiver, child)
    token, token_hash = tokens.new_token()
    now = utcnow()
    session.add(TherapistLink(
        child_id=child.id, invited_email=normalise_email(email), code_hash=token_hash,
        created_by_id=caregiver.id, expires_at=now + lifetime, consented_by_id=caregiver.id,
        consented_at=now, shared_scope=scope_text(child.display_name)))
    audit.record(session, "consent_given", actor_id=caregiver.id, family_id=child.family_id,
                 subject=f"child:{child.id} by email invitation", ip=ip)
    tokens.commit_once_sent(session, lambda: deliver(token) if deliver else None)
    return token


INVITE_REFUSED = ("This invitation link is invalid, already used, cancelled or expired. "
                  "Ask the family for a new one.")


def live_invite(session: Session, token: str) -> TherapistLink:
    """Return the pending invitation for this token, or raise TokenInvalid."""
    link = session.exec(select(TherapistLink).where(
        TherapistLink.code_hash == tokens.hash_token(token),
        TherapistLink.status == LinkStatus.PENDING,
        TherapistLink.child_id.is_not(None))).first()
    if link is None or _expired(link, utcnow()):
        raise TokenInvalid(INVITE_REFUSED)
    return link


def accept_invite(session: Session, therapist: User, token: str, ip: str = "") -> TherapistLink:
    """Accept a family's invitation as a therapist; the link goes live."""
    link = live_invite(session, token)
    _refuse_unless_therapist(therapist)
    _refuse_unless_invited(therapist.email, therapist.email_confirmed_at is not None, link)
    child = session.get(Child, link.child_id)
    _refuse_if_already_linked(session, therapist.id, child)
    _claim(session, link, child, INVITE_REFUSED, therapist_id=therapist.id)
    audit.record(session, "therapist_linked", actor_id=therapist.id, family_id=child.family_id,
                 subject=f"child:{child.id} with therapist:{therapist.id}", ip=ip)
    session.commit()
    return link


# --- ending ------------------------------------------------------------------------------------

def mark_ended(link: TherapistLink, by_id: int | None = None,
               at: datetime | None = None) -> None:
    """Set the link ended (not committed): no access, and its code or invitation spent."""
    link.status, link.ended_by_id, link.ended_at = LinkStatus.ENDED, by_id, at or utcnow()
    link.code_hash = ""


def end_link(session: Session, link: TherapistLink, user: User, ip: str = "") -> None:
    """End an active link or cancel a pending one; the therapist's access stops now."""
    if link.status == LinkStatus.ENDED:
        raise DomainError("This link has already ended.")
    was_active = link.status == LinkStatus.ACTIVE
    mark_ended(link, user.id)
    child = session.get(Child, link.child_id) if link.child_id else None
    if child is not None and was_active:
        # In this same transaction: nothing the therapist scheduled may still reach the family.
        stopped = consent_ending.stop_therapist_messages(session, therapist_id=link.therapist_id,
                                                         child_id=child.id)
        live_sessions.end_for_link(session, therapist_id=link.therapist_id, child_id=child.id)
        audit.record(session, "consent_ended", actor_id=user.id, family_id=child.family_id,
                     subject=f"child:{child.id} with therapist:{link.therapist_id}; "
                             f"{stopped.describe()}", ip=ip)
    elif child is not None:
        whom = f"with therapist:{link.therapist_id}" if link.therapist_id else "invitation"
        audit.record(session, "invitation_cancelled", actor_id=user.id,
                     family_id=child.family_id, subject=f"child:{child.id} {whom}", ip=ip)
    session.commit()


# --- what each side sees -----------------------------------------------------------------------

@dataclass
class LinkRow:
    link: TherapistLink
    therapist: User | None
    consented_by: User | None
    ended_by: User | None
    child: Child | None
    expired: bool = False  # a pending code or invitation that was never used in time


@dataclass
class ChildSharing:
    child: Child
    active: list[LinkRow] = field(default_factory=list)
    pending: list[LinkRow] = field(default_factory=list)
    ended: list[LinkRow] = field(default_factory=list)


def _expired(link: TherapistLink, now) -> bool:
    return link.status == LinkStatus.PENDING and (link.expires_at is None or link.expires_at < now)


def _rows(session: Session, links: list[TherapistLink], children: dict[int, Child]) -> list:
    user_ids = {i for link in links for i in (link.therapist_id, link.consented_by_id,
                                              link.ended_by_id) if i}
    users = {u.id: u for u in session.exec(select(User).where(User.id.in_(user_ids)))}
    now = utcnow()
    return [LinkRow(link, users.get(link.therapist_id), users.get(link.consented_by_id),
                    users.get(link.ended_by_id), children.get(link.child_id),
                    expired=_expired(link, now))
            for link in links]


def family_sharing(session: Session, family_id: int) -> list[ChildSharing]:
    """Return each child of the family with its therapists, invitations and consent history."""
    children = {c.id: c for c in session.exec(
        select(Child).where(Child.family_id == family_id).order_by(Child.id))}
    links = list(session.exec(select(TherapistLink).where(
        TherapistLink.child_id.in_(children)).order_by(TherapistLink.created_at.desc())))
    sharing = {child_id: ChildSharing(child) for child_id, child in children.items()}
    for row in _rows(session, links, children):
        group = sharing[row.link.child_id]
        if row.link.status == LinkStatus.ACTIVE:
            group.active.append(row)
        elif row.link.status == LinkStatus.PENDING and not row.expired:
            group.pending.append(row)
        elif row.link.status == LinkStatus.ENDED or row.link.consented_at:
            group.ended.append(row)
    return list(sharing.values())


@dataclass
class TherapistSharing:
    active: list[LinkRow]
    codes: list[TherapistLink]


def therapist_sharing(session: Session, therapist: User) -> TherapistSharing:
    """Return the therapist's active links (with children) and unexpired unused codes."""
    links = list(session.exec(select(TherapistLink).where(
        TherapistLink.therapist_id == therapist.id,
        TherapistLink.status.in_((LinkStatus.ACTIVE, LinkStatus.PENDING)))
        .order_by(TherapistLink.created_at)))
    active = [link for link in links if link.status == LinkStatus.ACTIVE]
    children = {c.id: c for c in session.exec(
        select(Child).where(Child.id.in_([link.child_id for link in active])))}
    now = utcnow()
    codes = [link for link in links if link.status == LinkStatus.PENDING and link.child_id is None
             and not _expired(link, now)]
    return TherapistSharing(active=_rows(session, active, children), codes=codes)


def describe_link(session: Session, link: TherapistLink) -> LinkRow:
    """Return one link with its therapist, child and the people on its consent record."""
    children = {link.child_id: session.get(Child, link.child_id)} if link.child_id else {}
    return _rows(session, [link], children)[0]


@dataclass
class CodeReview:
    """What a caregiver sees before accepting a code: who, which child, exactly what."""

    therapist: User
    child: Child
    scope: list[str]


def review_code(session: Session, caregiver: User, child: Child, text: str,
                ip: str = "") -> CodeReview:
    """Check a code a caregiver typed and return what accepting it would share."""
    _refuse_unless_caregiver_of(caregiver, child)
    link = find_code(session, caregiver, text, ip)
    return CodeReview(therapist=session.get(User, link.therapist_id), child=child,
                      scope=scope_lines(child.display_name))


def _refuse_unless_invited(email: str, confirmed: bool, link: TherapistLink) -> None:
    """An invitation is for the address it was sent to, and only once that address is proven."""
    if normalise_email(email) != link.invited_email or not confirmed:
        raise DomainError(
            f"This invitation was sent to {link.invited_email}, so only a therapist account "
            "with that address can accept it. Log in with that account, or ask the family "
            "to invite the address you use.")


def register_and_accept(session: Session, token: str, *, email: str, password: str,
                        display_name: str, ip: str = "") -> User:
    """Create a therapist account and accept the family's invitation with it."""
    # The link reached the invited mailbox, so using that address proves it is theirs.
    _refuse_unless_invited(email, True, live_invite(session, token))
    therapist = accounts.register(session, email=email, password=password,
                                  display_name=display_name, role=Role.THERAPIST)
    accept_invite(session, therapist, token, ip)
    return therapist
