"""The caseload's search form (GET, so no CSRF): name, flag and order, each checked."""
from wtforms import Form, SelectChoice, SelectField, StringField
from wtforms.validators import Length, ValidationError

from ..rules.caseload_query import DEFAULT, FLAG_CHOICES, MAX_QUERY, SORTS, CaseloadQuery
from .text import single_line

FLAG_LABELS = {"": "Everyone", "any": "Needs attention (any reason)",
               "hopelessness": "Hopelessness noted", "behind_target": "Behind target",
               "no_practice": "No recent practice",
               "stuck_easy": "Stuck on an easy step", "fear_not_falling": "Fear not falling",
               "avoidance_rising": "Avoidance rising"}
SORT_LABELS = {"need": "Need (attention first)", "last_activity": "Last activity",
               "adherence": "Practice vs target (lowest first)"}


class ListedChoice(SelectField):
    """A select that refuses a value not in its list with its own plain message."""

    def __init__(self, label, refusal: str, **kwargs):
        super().__init__(label, **kwargs)
        self.refusal = refusal

    def pre_validate(self, form):
        if self.data not in {choice[0] for choice in self.iter_choices()}:
            raise ValidationError(self.refusal)


class CaseloadSearchForm(Form):
    q = StringField("Name contains", filters=[single_line], validators=[
        Length(max=MAX_QUERY, message=f"Search with {MAX_QUERY} characters or fewer.")])
    flag = ListedChoice("Show", "Choose who to show from the list.",
                        choices=[SelectChoice(kind, FLAG_LABELS[kind]) for kind in FLAG_CHOICES],
                        default="")
    sort = ListedChoice("Sort by", "Choose an order from the list.",
                        choices=[SelectChoice(kind, SORT_LABELS[kind]) for kind in SORTS],
                        default="need")

    def query(self) -> CaseloadQuery:
        """The query asked for, or the default one when anything in it was refused."""
        if self.errors:
            return DEFAULT
        return CaseloadQuery(self.q.data or "", self.flag.data or "", self.sort.data or "need")
