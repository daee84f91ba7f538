"""The channel registry: each outbox channel has its state column, a sender, and a form label."""
from importlib import import_module

from graded_exposure.channels import registry
from graded_exposure.forms.reminders import CHANNEL_CHOICES
from graded_exposure.models import Delivery
from graded_exposure.vocabulary import ChannelState


def test_names_are_unique_and_only_the_inbox_is_always_on():
    assert len(registry.BY_NAME) == len(registry.CHANNELS)
    assert [c.name for c in registry.CHANNELS if not c.optional] == [registry.INBOX.name]
    assert registry.INBOX.state_column is None and registry.INBOX.sender is None


def test_every_outbox_channel_has_an_indexed_state_column_and_a_sender():
    deliveries = Delivery.__table__.c
    for channel in registry.OUTBOX:
        column = deliveries[channel.state_column]
        assert column.index and column.type.length >= max(len(s) for s in ChannelState)
        module, _, function = channel.sender.partition(":")
        assert callable(getattr(import_module(module), function))
    assert {c.name for c in deliveries if c.name.endswith("_state")} == set(
        registry.STATE_COLUMNS)


def test_the_form_offers_the_optional_channels_in_order():
    assert [(c.value, c.label) for c in CHANNEL_CHOICES] == [
        ("email", "Email"), ("push", "Phone notification")]


def test_channel_lists_read_as_sentences():
    assert registry.in_words(registry.CHANNELS) == "the inbox, email and phone notifications"
    assert registry.in_words(registry.OPTIONAL[:1]) == "email"
