"""How many wrong passwords are allowed, without letting a stranger lock the owner out.

Failed logins are counted in the database (every worker shares the count) over a window:
- from a device that has logged in to this account before (a signed "known device" cookie),
  only that device's own failures count, so a stranger's guesses never lock the owner's phone;
- from any other device, failures count per account and IP address, plus a higher limit per
  account across all unknown devices (so spreading guesses over addresses stays slow), plus
  a limit per IP address across all accounts.
Throttling says nothing about whether an address has an account: unknown addresses count too.
"""
from dataclasses import dataclass
from datetime import timedelta

from sqlmodel import Session, func, select

from ..models import LoginAttempt, utcnow


@dataclass(frozen=True)
class LoginLimits:
    window: timedelta
    per_device: int
    per_account_and_ip: int
    per_account: int
    per_ip: int

    @classmethod
    def from_config(cls, config) -> "LoginLimits":
        """Read the limits from the app's LOGIN_* settings."""
        counts = {name: config[f"LOGIN_MAX_FAILURES_{name.upper()}"]
                  for name in ("per_device", "per_account_and_ip", "per_account", "per_ip")}
        return cls(window=config["LOGIN_THROTTLE_WINDOW"], **counts)


def failures_since(since, *conditions):
    """The statement counting failed attempts after `since` that meet `conditions`."""
    return select(func.count()).select_from(LoginAttempt).where(
        LoginAttempt.succeeded == False, LoginAttempt.at > since, *conditions)  # noqa: E712


def _failures(session: Session, since, *conditions) -> int:
    return session.exec(failures_since(since, *conditions)).one()


def is_throttled(session: Session, limits: LoginLimits, *, email: str, ip: str,
                 device: str) -> bool:
    """Return True when this login attempt must wait; device is "" when unknown."""
    since = utcnow() - limits.window
    if device:
        return _failures(session, since, LoginAttempt.email == email,
                         LoginAttempt.device == device) >= limits.per_device
    unknown = (LoginAttempt.email == email, LoginAttempt.device == "")
    return (_failures(session, since, *unknown, LoginAttempt.ip == ip)
            >= limits.per_account_and_ip
            or _failures(session, since, *unknown) >= limits.per_account
            or _failures(session, since, LoginAttempt.ip == ip) >= limits.per_ip)
