"""Names people give themselves and their children are words, never a web or email address.

A caregiver's name goes into the invitations the app emails to people who never signed up,
and mail apps turn anything shaped like an address into a link: a name such as "Support:
verify at evil.example" would be a phishing line sent from our address. So a name may not
hold "://", "www.", "@", or a full stop between two pairs of letters ("evil.example",
"Mia.Rose"); initials and titles ("J.R. Smith", "Dr. Who") are names as they are.
"""
import re

from wtforms import ValidationError

_ADDRESS_LIKE = re.compile(r"://|www\.|@|\w\w\.\w\w", re.IGNORECASE)
ADDRESS_IN_NAME = ("A name can’t look like a web or email address. "
                   "Leave a space after a full stop.")


def not_an_address(_form, field) -> None:
    """Refuse a name with anything in it shaped like a web or email address, unless it is the
    name already stored (given before names were checked): editing the rest keeps it."""
    if field.data and field.data != field.object_data and _ADDRESS_LIKE.search(field.data):
        raise ValidationError(ADDRESS_IN_NAME)
