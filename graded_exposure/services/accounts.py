"""Accounts: register, authenticate with throttling, reset and change passwords."""
from collections.abc import Callable
from datetime import timedelta

from sqlmodel import Session, select, update
from werkzeug.security import check_password_hash as _check_hash
from werkzeug.security import generate_password_hash

from ..errors import DomainError, TokenInvalid
from ..models import Family, LoginAttempt, PasswordResetToken, User, utcnow
from ..rules.durations import in_words
from ..rules.passwords import password_problem
from ..rules.timezones import valid_timezone
from ..vocabulary import Role
from . import audit, login_sessions, login_throttle, tokens
from .login_throttle import LoginLimits

PRODUCTION_HASH_METHOD = "scrypt"
# The one process-wide choice of hash; create_app sets it from PASSWORD_HASH_METHOD (tests use
# a cheap one so that a family fixture does not cost two scrypt runs).
_hash_method = PRODUCTION_HASH_METHOD
# Checked against when the email is unknown, so a miss costs the same time as a hit; one per
# method, so the dummy always costs what a real account's check costs.
_dummy_hashes: dict[str, str] = {}

LOGIN_REFUSED = "That email and password do not match an account."
LOGIN_THROTTLED = ("Too many failed attempts. Please wait {wait} and try again, log in from "
                   "a phone or computer you have used before, or reset your password.")


class LoginRefused(DomainError):
    """Wrong credentials or too many attempts; the message never says which account exists."""


def normalise_email(email: str) -> str:
    """Return the email address in the form it is stored and looked up."""
    return email.strip().lower()


def use_hash_method(method: str) -> None:
    """Choose how new passwords are hashed (the app's PASSWORD_HASH_METHOD)."""
    global _hash_method
    _hash_method = method


def hash_password(password: str) -> str:
    """Hash a password with the configured method (scrypt in production)."""
    return generate_password_hash(password, method=_hash_method)


def check_password(stored_hash: str, password: str) -> bool:
    """Return True when the password matches the stored hash."""
    return _check_hash(stored_hash, password)


def _dummy_hash() -> str:
    if _hash_method not in _dummy_hashes:
        _dummy_hashes[_hash_method] = hash_password("not-a-real-password-at-all")
    return _dummy_hashes[_hash_method]


def register(session: Session, *, email: str, password: str, display_name: str,
             role: str, timezone: str = "UTC") -> User:
    """Create a confirmed account directly (demo data, tests); people sign up by link."""
    refuse_bad_account(role, password)
    if session.exec(select(User.id).where(User.email == normalise_email(email))).first():
        raise DomainError("An account with that email exists already.")
    user = create_account(session, email=email, password_hash=hash_password(password),
                          display_name=display_name, role=role, timezone=timezone)
    session.commit()
    return user


def refuse_bad_account(role: str, password: str) -> None:
    """Raise DomainError unless a new account's role and password are acceptable."""
    if role not in set(Role):
        raise DomainError("Choose caregiver or therapist.")
    if problem := password_problem(password):
        raise DomainError(problem)


def create_account(session: Session, *, email: str, password_hash: str, display_name: str,
                   role: str, timezone: str, family_id: int | None = None) -> User:
    """Store an account whose address is confirmed; a caregiver gets a family of their own,
    or joins `family_id` (an invitation's). Flushed, not committed: the caller commits."""
    now = utcnow()
    user = User(email=normalise_email(email), display_name=display_name.strip(), role=role,
                password_hash=password_hash, email_confirmed_at=now, family_id=family_id)
    if role == Role.CAREGIVER and family_id is None:
        user.family = Family(timezone=timezone if valid_timezone(timezone) else "UTC")
    session.add(user)
    session.flush()
    audit.record(session, "register", actor_id=user.id, family_id=user.family_id)
    return user


def authenticate(session: Session, email: str, password: str, ip: str, *,
                 limits: LoginLimits, known_device: tuple[int, str] | None = None) -> User:
    """Return the user for these credentials, else raise LoginRefused (throttled).

    known_device is (user id, device id) from a signed cookie; it counts only for that user.
    """
    email = normalise_email(email)
    user = session.exec(select(User).where(User.email == email)).first()
    device = known_device[1] if user and known_device and known_device[0] == user.id else ""
    if login_throttle.is_throttled(session, limits, email=email, ip=ip, device=device):
        audit.record(session, "login_throttled", subject=email, ip=ip)
        session.commit()
        raise LoginRefused(LOGIN_THROTTLED.format(wait=in_words(limits.window)))
    ok = check_password(user.password_hash if user else _dummy_hash(), password)
    session.add(LoginAttempt(email=email, ip=ip, device=device, succeeded=bool(user and ok)))
    if not (user and ok):
        audit.record(session, "login_failed", subject=email, ip=ip,
                     family_id=user.family_id if user else None)
        session.commit()
        raise LoginRefused(LOGIN_REFUSED)
    audit.record(session, "login", actor_id=user.id, family_id=user.family_id, ip=ip)
    return user


def start_password_reset(session: Session, email: str, lifetime: timedelta,
                         deliver: Callable[[User, str], None]) -> bool:
    """Email a reset link to the account with this address; False when there is none.

    The token is stored only if `deliver(user, token)` sent it.
    """
    user = session.exec(select(User).where(User.email == normalise_email(email))).first()
    if user is None:
        return False
    token, token_hash = tokens.new_token()
    session.add(PasswordResetToken(user_id=user.id, token_hash=token_hash,
                                   expires_at=utcnow() + lifetime))
    audit.record(session, "password_reset_requested", actor_id=user.id, family_id=user.family_id)
    tokens.commit_once_sent(session, lambda: deliver(user, token))
    return True


RESET_REFUSED = "This reset link is invalid, used or expired. Ask for a new one."


def _live_reset_token(session: Session, token: str) -> PasswordResetToken:
    row = session.exec(select(PasswordResetToken).where(
        PasswordResetToken.token_hash == tokens.hash_token(token))).first()
    if row is None or row.used_at is not None or row.expires_at < utcnow():
        raise TokenInvalid(RESET_REFUSED)
    return row


def check_reset_token(session: Session, token: str) -> None:
    """Raise TokenInvalid unless the reset token can still be used."""
    _live_reset_token(session, token)


def reset_password(session: Session, token: str, new_password: str) -> User:
    """Set a new password with a single-use token; every existing session ends."""
    row = _live_reset_token(session, token)
    if problem := password_problem(new_password):
        raise DomainError(problem)
    user = session.get(User, row.user_id)
    tokens.use_once(session, row, RESET_REFUSED)  # a double tap resets once
    user.password_hash = hash_password(new_password)
    _end_reset_links(session, user.id)
    login_sessions.end_all_others(session, user.id, keep_sid=None)
    audit.record(session, "password_reset", actor_id=user.id, family_id=user.family_id)
    session.commit()
    return user


def _end_reset_links(session: Session, user_id: int) -> None:
    """A new password ends every reset link still out: one in an old email, or a second one
    asked for, must not set another password over it."""
    session.exec(update(PasswordResetToken)
                 .where(PasswordResetToken.user_id == user_id,
                        PasswordResetToken.used_at.is_(None))
                 .values(used_at=utcnow()))


def change_password(session: Session, user: User, current: str, new: str, keep_sid: str) -> None:
    """Change the password after checking the current one; other sessions end."""
    if not check_password(user.password_hash, current):
        raise DomainError("Your current password is not right.")
    if problem := password_problem(new):
        raise DomainError(problem)
    user.password_hash = hash_password(new)
    _end_reset_links(session, user.id)
    login_sessions.end_all_others(session, user.id, keep_sid=keep_sid)
    audit.record(session, "password_changed", actor_id=user.id, family_id=user.family_id)
    session.commit()
