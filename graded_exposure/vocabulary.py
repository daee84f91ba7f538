"""The fixed words stored in the database: roles, link statuses, delivery states, outcomes.

Each is a StrEnum, so a member *is* its stored string: rows written before these existed
read back equal to the members, columns stay plain VARCHARs, and templates may still compare
with the bare words. Pure Python, importable from rules/, models and services alike.
"""
from enum import StrEnum


class Role(StrEnum):
    """What kind of account a person has."""

    CAREGIVER = "caregiver"
    THERAPIST = "therapist"


class LinkStatus(StrEnum):
    """A therapist link: pending until a caregiver consents, active until either side ends it."""

    PENDING = "pending"
    ACTIVE = "active"
    ENDED = "ended"


class DeliveryStatus(StrEnum):
    """What became of one occurrence of a reminder."""

    SENT = "sent"
    MISSED = "missed"  # after downtime, later than the grace window
    SKIPPED = "skipped"  # snoozed
    NOT_NEEDED = "not_needed"  # an evening nudge on a day with a practice


class ChannelState(StrEnum):
    """Where an outbox channel (email, push) of one delivery stands; fits VARCHAR(8)."""

    NOT_WANTED = ""
    PENDING = "pending"
    QUIET = "quiet"  # held back by quiet hours; the inbox has it instead
    SENT = "sent"
    FAILED = "failed"  # final: a late reminder is worse than none
    REVOKED = "revoked"  # consent ended before it went out


# Nothing more will happen to a channel in one of these states.
FINAL_CHANNEL_STATES = frozenset(ChannelState) - {ChannelState.PENDING}


class Outcome(StrEnum):
    """How a practice went."""

    DID_IT = "did_it"
    PARTLY = "partly"
    LEFT_EARLY = "left_early"
    DID_NOT_TRY = "did_not_try"



class PlanStatus(StrEnum):
    """An accommodation plan: agreed by every caregiver before it runs, then finished."""

    DRAFT = "draft"  # waiting for every caregiver to agree
    ACTIVE = "active"
    FINISHED = "finished"  # kept as history


class PlanKept(StrEnum):
    """Whether the family stuck to the plan on a day."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"
