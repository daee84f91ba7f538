"""Password policy: length only, plus a refusal of well-known passwords (ASVS 5.0)."""
from functools import cache
from pathlib import Path

MIN_LENGTH = 8
MAX_LENGTH = 128


@cache
def _common_passwords() -> frozenset[str]:
    path = Path(__file__).with_name("common_passwords.txt")
    return frozenset(line.strip().lower() for line in path.read_text().splitlines() if line.strip())


def password_problem(password: str) -> str | None:
    """Return why a new password is refused, or None when it is acceptable."""
    if len(password) < MIN_LENGTH:
        return f"Use at least {MIN_LENGTH} characters."
    if len(password) > MAX_LENGTH:
        return f"Use at most {MAX_LENGTH} characters."
    if password.lower() in _common_passwords():
        return "That password is too common; choose one that is harder to guess."
    return None
