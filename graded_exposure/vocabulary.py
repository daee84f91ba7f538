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


OPEN_PLAN_STATUSES = (PlanStatus.DRAFT, PlanStatus.ACTIVE)  # at most one such plan per child


class PlanKept(StrEnum):
    """Whether the family stuck to the plan on a day."""

    YES = "yes"
    PARTLY = "partly"
    NO = "no"


# ---- the therapist's session record (issue 15) ----------------------------------------------
# Each choice below is stored by its key; the dicts give the words a page shows, in the order
# the session form offers them.

class SessionMode(StrEnum):
    """Where a therapy session took place."""

    IN_PERSON = "in_person"
    TELEHEALTH = "telehealth"


class Attendance(StrEnum):
    """Whether a planned session happened."""

    ATTENDED = "attended"
    DECLINED = "declined"  # the child came (or was on screen) but would not join in
    CANCELLED = "cancelled"


class ApproachResult(StrEnum):
    """How an approach tried in a session landed with the child."""

    CLICKED = "clicked"
    PARTLY = "partly"
    DIDNT = "didnt"


SESSION_MODES = {SessionMode.IN_PERSON: "In person", SessionMode.TELEHEALTH: "Telehealth"}
ATTENDANCE = {Attendance.ATTENDED: "Attended", Attendance.DECLINED: "Declined to join in",
              Attendance.CANCELLED: "Cancelled"}
# What the child showed: resistance read as self-protection, described without blame.
SESSION_PRESENTATIONS = {
    "refused_to_talk": "Not ready to talk",
    "withdrawn": "Quietly withdrawn",
    "angry": "Angry or pushing back",
    "hopeless": "Hopeless (\u201cnothing will help\u201d)",
    "engaged": "Engaged",
}
# Engagement on a short scale, each point with a plain anchor.
ENGAGEMENT_LEVELS = {
    1: "Not with us yet",
    2: "Watching from a distance",
    3: "Joined in a little",
    4: "Joined in",
    5: "Led the way",
}
APPROACHES = {
    "art": "Art", "music": "Music", "sand_play": "Sand-play", "drama": "Drama",
    "movement": "Movement", "games": "Games", "stories": "Social or sensory stories",
    "pets_toys": "Pet or toy on screen", "online_drawing": "Online drawing",
}
APPROACH_RESULTS = {ApproachResult.CLICKED: "Clicked", ApproachResult.PARTLY: "Partly",
                    ApproachResult.DIDNT: "Didn\u2019t"}
SESSION_WINS = {
    "eye_contact": "Eye contact", "shared_laugh": "Shared a laugh",
    "agreed_to_come_back": "Agreed to come back", "named_feeling": "Named a feeling",
    "tried_step": "Tried a step",
}
