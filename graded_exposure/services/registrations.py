"""Sign-up by emailed link: an account exists only once its owner opens the link.

Signing up answers the same whether or not the address has an account, so the form cannot be
used to find out who uses Brave Steps. A new address gets a link that creates the account; an
address that has one already gets an email telling its owner, with a reset link. The password
chosen at sign-up waits with its link (one row per sign-up), so a stranger who signs up with
someone else's address first cannot plant a password in the account that person later makes.

Joining a family by its invitation link works the same way when a mail server can prove the
address (views/family.py): the waiting sign-up names the invitation, and opening the link makes
the account inside that family, so the join page cannot tell who has an account either.

Finishing asks for the password chosen with the link: a stranger can start a sign-up for
someone else's address, and that address's owner, sent the link, must not be able to make an
account the stranger can log in to by pressing its button.
"""
from collections.abc import Callable
from datetime import timedelta

from sqlalchemy import delete
from sqlmodel import Session, select

from ..errors import DomainError, TokenInvalid
from ..models import FamilyInvite, PendingRegistration, User, utcnow
from . import accounts, families, tokens


class WrongPassword(DomainError):
    """The password typed on the finish page is not the one chosen with the link."""


LINK_REFUSED = ("This sign-up link is invalid, used or expired. Sign up again and open the "
                "newest link we email you.")
ALREADY_DONE = "This address already has an account. Log in, or reset your password."
SOMEONE_ELSES_SIGN_UP = ("That is not the password chosen when this link was asked for. If you "
                         "signed up yourself, open the newest email we sent you. If you did not "
                         "sign up, nothing has been made: you can ignore the email.")


def start_sign_up(session: Session, *, email: str, password: str, display_name: str,
                  role: str, timezone: str, lifetime: timedelta,
                  send_link: Callable[[str], None],
                  warn_owner: Callable[[User, str], None], reset_lifetime: timedelta,
                  invite: FamilyInvite | None = None) -> None:
    """Email a sign-up link to a new address, or a heads-up with a reset link to its owner.
    With `invite`, the account the link makes joins the invitation's family."""
    accounts.refuse_bad_account(role, password)
    email = accounts.normalise_email(email)
    # Hashed on both paths, so the answer takes as long for a known address as a new one.
    password_hash = accounts.hash_password(password)
    if accounts.start_password_reset(session, email, reset_lifetime, warn_owner):
        return
    token, token_hash = tokens.new_token()
    session.add(PendingRegistration(
        email=email, display_name=display_name.strip(), role=role, timezone=timezone,
        password_hash=password_hash, token_hash=token_hash,
        expires_at=utcnow() + lifetime, family_invite_id=invite.id if invite else None))
    # The link goes to an address nobody has proven yet: the email says nothing the sender
    # typed (a name could be a phishing line), only the app's own words.
    tokens.commit_once_sent(session, lambda: send_link(token))


def pending_sign_up(session: Session, token: str) -> PendingRegistration:
    """Return the sign-up waiting for this link, or raise TokenInvalid."""
    row = session.exec(select(PendingRegistration).where(
        PendingRegistration.token_hash == tokens.hash_token(token))).first()
    if row is None or row.expires_at < utcnow():
        raise TokenInvalid(LINK_REFUSED)
    return row


def finish_sign_up(session: Session, token: str, password: str) -> User:
    """Create the account of an opened sign-up link (inside the family whose invitation it
    came from, if one) when `password` is the one chosen with it; every other waiting sign-up
    of the address ends."""
    row = pending_sign_up(session, token)
    if not accounts.check_password(row.password_hash, password):
        raise WrongPassword(SOMEONE_ELSES_SIGN_UP)
    email, invite_id = row.email, row.family_invite_id
    session.exec(delete(PendingRegistration).where(PendingRegistration.email == email))
    try:
        if session.exec(select(User.id).where(User.email == email)).first():
            raise TokenInvalid(ALREADY_DONE)
        invite = families.live_invite_by_id(session, invite_id) if invite_id else None
    except TokenInvalid:
        session.commit()
        raise
    user = accounts.create_account(session, email=email, password_hash=row.password_hash,
                                   display_name=row.display_name, role=row.role,
                                   timezone=row.timezone,
                                   family_id=invite.family_id if invite else None)
    if invite is None:
        session.commit()
    else:
        families.use_invite(session, invite, user)
    return user
