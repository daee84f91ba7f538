"""WTForms' own messages, in the app's words: one home for what a form says when a field is
empty, too long or not an address, where a form gives no message of its own.

Found from outside: "This field is required.", "Field cannot be longer than 120 characters."
beside the app's own "Write the goal the ladder leads to." WTForms asks the form's translations
for every message it writes itself (gettext and ngettext), so these replace them everywhere; a
message a form gives stays as it is. Messages only a script can meet (a choice not offered, a
number field sent a word) keep WTForms' words.
"""

_OURS = {
    "This field is required.": "Please fill this in.",
    "Invalid email address.": "Write an email address, like name@example.com.",
    "Field must be at least %(min)d character long.":
        "Write at least %(min)d character.",
    "Field must be at least %(min)d characters long.":
        "Write at least %(min)d characters (this has %(length)d).",
    "Field cannot be longer than %(max)d character.":
        "Keep this to %(max)d character.",
    "Field cannot be longer than %(max)d characters.":
        "Keep this to %(max)d characters or fewer (this has %(length)d).",
    "Field must be between %(min)d and %(max)d characters long.":
        "Write %(min)d to %(max)d characters (this has %(length)d).",
}


class OurWords:
    """The translations object WTForms asks for its own messages (forms.base.AppForm.Meta)."""

    def gettext(self, string: str) -> str:
        return _OURS.get(string, string)

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return self.gettext(singular if n == 1 else plural)


OUR_WORDS = OurWords()
