"""Domain errors raised by services and translated by views into 4xx responses."""


class DomainError(Exception):
    """A request that the rules refuse; the message is safe to show to the user."""


class NotAllowed(DomainError):
    """The user may not do this."""


class TokenInvalid(DomainError):
    """A reset or invite link that is unknown, used or expired."""
