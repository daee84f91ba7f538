"""The stored words keep their values, fit their columns, and equal the bare strings."""
import pytest

from graded_exposure.models import Delivery, Practice, TherapistLink, User
from graded_exposure.vocabulary import ChannelState, DeliveryStatus, LinkStatus, Outcome, Role


@pytest.mark.parametrize(("enum", "values"), [
    (Role, ["caregiver", "therapist"]),
    (LinkStatus, ["pending", "active", "ended"]),
    (DeliveryStatus, ["sent", "missed", "skipped", "not_needed"]),
    (ChannelState, ["", "pending", "quiet", "sent", "failed", "revoked"]),
    (Outcome, ["did_it", "partly", "left_early", "did_not_try"]),
])
def test_members_are_the_stored_strings(enum, values):
    assert [member.value for member in enum] == values
    assert list(enum) == values  # a member equals its string, so old rows need no migration
    assert [str(member) for member in enum] == values  # and renders as it in pages


@pytest.mark.parametrize(("enum", "column"), [
    (Role, User.__table__.c.role),
    (LinkStatus, TherapistLink.__table__.c.status),
    (DeliveryStatus, Delivery.__table__.c.status),
    (ChannelState, Delivery.__table__.c.email_state),
    (ChannelState, Delivery.__table__.c.push_state),
    (Outcome, Practice.__table__.c.outcome),
])
def test_every_value_fits_its_column(enum, column):
    assert max(len(member) for member in enum) <= column.type.length
