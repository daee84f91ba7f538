"""An address the app is about to send email to: one every mail server accepts.

An address with accents or other non-ASCII letters (josé@example.com) needs the receiving
and sending servers to speak SMTPUTF8; a relay that does not refuses it, and the person was
told "we could not send the email, try again in a few minutes", which never works. So where an
address is given to write to (sign-up, invitations), it is asked for in plain letters; signing
in and resetting a password still take any valid address, so no existing account is shut out.
Browsers already send a domain in its ASCII form (bücher.example as xn--bcher-kva.example).
"""
from wtforms.validators import ValidationError

NOT_PLAIN = ("We can only send email to an address in plain letters (no accents such as é "
             "or other alphabets). Please use another address.")


def plain_address(_form, field) -> None:
    """Refuse an address with non-ASCII characters, in words."""
    if field.data and not field.data.isascii():
        raise ValidationError(NOT_PLAIN)
