"""Single-use secret tokens: only a SHA-256 of the token is stored."""
import hashlib
import secrets


def new_token() -> tuple[str, str]:
    """Return a fresh 256-bit token and the hash to store for it."""
    token = secrets.token_urlsafe(32)
    return token, hash_token(token)


def hash_token(token: str) -> str:
    """Return the stored form of a token."""
    return hashlib.sha256(token.encode()).hexdigest()
