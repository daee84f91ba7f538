"""Link codes a therapist reads out to a family: short, unambiguous, hard to guess.

Eight characters from Crockford's base32 alphabet carry 40 random bits. The alphabet leaves out
I, L, O and U, and reading a code back maps the look-alikes (I and L to 1, O to 0), so a code
copied from a phone call or a handwritten note still works.
"""
import secrets

ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
LENGTH = 8
_LOOK_ALIKES = str.maketrans({"I": "1", "L": "1", "O": "0"})


def new_code() -> str:
    """Return a fresh random code (40 bits), without separators."""
    return "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))


def normalise_code(text: str) -> str | None:
    """Return the code as stored from what a person typed, or None if it cannot be one."""
    cleaned = "".join(text.split()).replace("-", "").upper().translate(_LOOK_ALIKES)
    if len(cleaned) != LENGTH or any(c not in ALPHABET for c in cleaned):
        return None
    return cleaned


def display_code(code: str) -> str:
    """Return the code in two groups of four, easier to read out: ABCD-EFGH."""
    return f"{code[:4]}-{code[4:]}"
