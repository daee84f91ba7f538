"""All tables of Brave Steps, in one place (SQLModel)."""
import inspect
from datetime import UTC, date, datetime

from flask_login import UserMixin
from sqlalchemy import JSON, Column, Index, UniqueConstraint, false, literal_column, text, true
from sqlalchemy.types import DateTime, TypeDecorator
from sqlmodel import Field, Relationship, SQLModel

from .channels.registry import INBOX
from .rules.accommodation_plan import supportive_statement
from .vocabulary import OPEN_PLAN_STATUSES, ChannelState, LinkStatus, Outcome, PlanStatus, Role

REFERRAL_TEXT_MAX = 1000


class UTCDateTime(TypeDecorator):
    """A timestamp stored as UTC and always read back timezone-aware."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store UTC-aware datetimes")
        return value.astimezone(UTC)

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        # SQLite drops the offset; every stored value is UTC, so put it back.
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _factory(make):
    """`make` as a field's default factory, carrying its signature. SQLModel's table constructor
    asks pydantic, for every field left to its default, whether the factory takes the validated
    data, and pydantic runs inspect.signature to answer, on every row built: 150 µs for the
    builtin `list` (parsed from text, leaving cyclic garbage), 7 µs for a function, 2 µs when
    the function carries its `__signature__`. A logged practice left three fields to factories."""
    make.__signature__ = inspect.signature(make)
    return make


@_factory
def utcnow() -> datetime:
    """Return the current time, timezone-aware in UTC."""
    return datetime.now(UTC)


@_factory
def _no_items() -> list:
    return []


@_factory
def _no_entries() -> dict:
    return {}


@_factory
def _inbox_only() -> list[str]:
    return [INBOX.name]


def _ts(**kw):
    return Field(default_factory=utcnow, sa_type=UTCDateTime, **kw)


def _json_list():
    """A JSON list column, empty unless given."""
    return Field(default_factory=_no_items, sa_column=Column(JSON, nullable=False))


def _when(**kw):
    return Field(default=None, sa_type=UTCDateTime, **kw)


ROLES = tuple(Role)


class Family(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    timezone: str = Field(default="UTC", max_length=64)
    created_at: datetime = _ts()

    caregivers: list["User"] = Relationship(back_populates="family")
    children: list["Child"] = Relationship(
        back_populates="family", sa_relationship_kwargs={"order_by": "Child.id"}
    )


class User(UserMixin, SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, unique=True, index=True)
    display_name: str = Field(max_length=80)
    password_hash: str = Field(max_length=255)
    role: str = Field(max_length=16)  # a Role
    family_id: int | None = Field(default=None, foreign_key="family.id", index=True,
                                  ondelete="SET NULL")
    created_at: datetime = _ts()
    # Set when the person proved they read this mailbox (a sign-up link, or joining a family
    # through an invitation sent to this address); None for a joiner who typed another address.
    email_confirmed_at: datetime | None = _when()
    # A therapist's referral pathway for their practice, shown with the hopelessness flag.
    # Here, not in a settings table: it is the one per-therapist setting (others are per link).
    referral_text: str = Field(default="", max_length=REFERRAL_TEXT_MAX,
                               sa_column_kwargs={"server_default": ""})

    family: Family | None = Relationship(back_populates="caregivers")


class UserSession(SQLModel, table=True):
    """A server-side login session; deleting the row ends it for good."""

    id: str = Field(primary_key=True, max_length=64)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    created_at: datetime = _ts()
    last_seen_at: datetime = _ts()


class LoginAttempt(SQLModel, table=True):
    # The throttle counts one address's or one account's attempts in the last minutes: by
    # address alone it read 30 days of them, thousands for a clinic's or a mobile carrier's
    # shared address.
    __table_args__ = (Index("ix_loginattempt_ip_time", "ip", "at"),
                      Index("ix_loginattempt_email_time", "email", "at"))
    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254)
    ip: str = Field(max_length=64)
    # The id from a signed "known device" cookie of this account, else "" (an unknown device).
    device: str = Field(default="", max_length=32)
    succeeded: bool = False
    at: datetime = _ts(index=True)


class PasswordResetToken(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: datetime = _ts()
    used_at: datetime | None = _when()


class PendingRegistration(SQLModel, table=True):
    """A sign-up waiting for its emailed link; the account exists only once that is opened."""

    id: int | None = Field(default=None, primary_key=True)
    email: str = Field(max_length=254, index=True)
    display_name: str = Field(max_length=80)
    role: str = Field(max_length=16)
    timezone: str = Field(default="UTC", max_length=64)
    password_hash: str = Field(max_length=255)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    # Joining a family by its invitation, when a mail server proves addresses: the account
    # is made inside that family once the link is opened (registrations.py).
    family_invite_id: int | None = Field(default=None, foreign_key="familyinvite.id",
                                         ondelete="CASCADE")


class SentMail(SQLModel, table=True):
    """One email the app was asked to send for a person (not reminders): the quota's ledger.

    The recipient is kept as a keyed hash, so the ledger holds no address in clear.
    """

    id: int | None = Field(default=None, primary_key=True)
    kind: str = Field(max_length=24)
    recipient_hash: str = Field(max_length=64, index=True)
    sender_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                  ondelete="CASCADE")
    ip: str = Field(default="", max_length=64, index=True)
    at: datetime = _ts(index=True)


class FamilyInvite(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True, ondelete="CASCADE")
    invited_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    email: str = Field(default="", max_length=254)
    token_hash: str = Field(max_length=64, unique=True)
    created_at: datetime = _ts()
    expires_at: datetime = _ts()
    used_at: datetime | None = _when()
    used_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


class Child(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    family_id: int = Field(foreign_key="family.id", index=True, ondelete="CASCADE")
    display_name: str = Field(max_length=40)
    age_band: str = Field(default="", max_length=16)
    birth_year: int | None = None
    avatar: str = Field(default="", max_length=8)
    created_at: datetime = _ts()
    # "What helps <name> join in", as a therapist last shared it with the family (words, not
    # keys: the family sees what was shared until it is shared again or withdrawn).
    what_helps: dict[str, list[str]] = Field(default_factory=_no_entries, sa_column=Column(
        JSON, nullable=False, server_default=text("'{}'")))

    family: Family = Relationship(back_populates="children")
    ladders: list["Ladder"] = Relationship(
        back_populates="child", cascade_delete=True, passive_deletes=True,
        sa_relationship_kwargs={"order_by": "Ladder.id"},
    )


class Ladder(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    goal: str = Field(max_length=120)
    area: str = Field(max_length=16)
    status: str = Field(default="active", max_length=16)
    template_key: str = Field(default="", max_length=40)
    calming_plan: list[str] = _json_list()
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    archived_at: datetime | None = _when()
    # The mastery rule (rules/mastery.py); a therapist may change it per ladder.
    mastery_min_practices: int = Field(default=3, ge=1, le=20)
    mastery_min_days: int = Field(default=2, ge=1, le=20)
    mastery_max_peak: int = Field(default=3, ge=0, le=10)
    mastery_count_halving: bool = True
    # Distinct places a step's counting practices must cover (rules/practice_context.py).
    mastery_min_contexts: int = Field(default=1, ge=1, le=3)
    # What the child leans on to get through (a hand held, a phone in the pocket), chosen from
    # suggestions or written by the family; a practice records which were used.
    safety_behaviours: list[str] = Field(default_factory=_no_items,
                                         sa_column=Column(JSON, nullable=False))
    updated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    updated_at: datetime | None = _when()

    child: Child = Relationship(back_populates="ladders")
    steps: list["Step"] = Relationship(
        back_populates="ladder", cascade_delete=True,
        sa_relationship_kwargs={"order_by": "Step.position"},
    )


STEP_STATUSES = ("upcoming", "current", "mastered")


class Step(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    ladder_id: int = Field(foreign_key="ladder.id", index=True, ondelete="CASCADE")
    position: int
    title: str = Field(max_length=120)
    detail: str = Field(default="", max_length=1000)
    predicted_fear: int = Field(default=5, ge=0, le=10)
    social_story: str = Field(default="", max_length=1000)
    # What the child will see, hear, feel and smell there, told before the try.
    sensory_story: str = Field(default="", max_length=500)
    status: str = Field(default="upcoming", max_length=16)
    created_at: datetime = _ts()
    current_since: datetime | None = _when()
    mastered_at: datetime | None = _when()
    # A step added to fade a safety behaviour: the step it repeats and what it goes without.
    faded_from_id: int | None = Field(default=None, foreign_key="step.id", ondelete="SET NULL")
    without_safety: str = Field(default="", max_length=80)
    # Safety behaviours the family chose not to fade from this step (suggestion dismissed).
    fading_dismissed: list[str] = Field(default_factory=_no_items,
                                        sa_column=Column(JSON, nullable=False))

    ladder: Ladder = Relationship(back_populates="steps")
    substeps: list["SubStep"] = Relationship(
        back_populates="step", cascade_delete=True,
        sa_relationship_kwargs={"order_by": "SubStep.position"},
    )


class SubStep(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    step_id: int = Field(foreign_key="step.id", index=True, ondelete="CASCADE")
    position: int
    text: str = Field(max_length=200)
    done: bool = False

    step: Step = Relationship(back_populates="substeps")


OUTCOMES = tuple(Outcome)
_PREDICTED = text("expected_likelihood IS NOT NULL")


class Practice(SQLModel, table=True):
    # A child's latest practices and a step's practices in time order are read on every page;
    # these keep those reads as short as what they return, whatever the history. They also
    # serve every lookup by child or by step alone (their leading column), so those columns
    # have no index of their own: each index is one more write on every practice logged.
    # The practices with a prediction are a step's few: the therapist's expectancy trend reads
    # them through a partial index, not by walking every practice of the step (and a practice
    # without one costs no write to it). It holds every column the trend reads, so SQLite
    # finds it cheaper than the (step, time) one, which it chose while they were alike.
    __table_args__ = (UniqueConstraint("idempotency_key"),
                      Index("ix_practice_child_time", "child_id", "practiced_at"),
                      Index("ix_practice_step_time", "step_id", "practiced_at"),
                      Index("ix_practice_step_predicted", "step_id", "practiced_at", "id",
                            "expected_likelihood", "prediction_came_true", "outcome_badness",
                            sqlite_where=_PREDICTED, postgresql_where=_PREDICTED))

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", ondelete="CASCADE")
    step_id: int = Field(foreign_key="step.id", ondelete="CASCADE")
    logged_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    practiced_at: datetime = _ts(index=True)
    fear_before: int = Field(ge=0, le=10)
    fear_peak: int = Field(ge=0, le=10)
    fear_after: int = Field(ge=0, le=10)
    outcome: str = Field(max_length=16)  # an Outcome
    prediction: str = Field(default="", max_length=500)
    prediction_came_true: str = Field(default="", max_length=8)
    calming_used: list[str] = _json_list()
    calm_first: bool = False  # the body was calmed (the child view's calm screen) before the try
    # Free text from before safety behaviours were chosen from the ladder's list: kept, shown.
    safety_behaviours: str = Field(default="", max_length=500)
    safety_used: list[str] = _json_list()
    # Where, with whom and when in the day (rules/practice_context.py); empty when not told.
    context_where: str = Field(default="", max_length=16)
    context_with: str = Field(default="", max_length=16)
    context_time: str = Field(default="", max_length=16)
    small_wins: list[str] = _json_list()
    note: str = Field(default="", max_length=2000)
    idempotency_key: str = Field(max_length=64)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()
    # Logged by the therapist during a live session ("Brave try now"), not at home.
    in_session: bool = False
    # Expectancy (rules/expectancy.py): how likely the feared outcome felt before, 0-100 in
    # steps of 25, and how bad it was when it happened; None when not asked.
    expected_likelihood: int | None = Field(default=None, ge=0, le=100)
    outcome_badness: int | None = Field(default=None, ge=0, le=100)
    # The child's own faces (0-10 through rules/faces.py), beside the caregiver's numbers above;
    # which voice fills fear_before/peak/after is rules/two_voices.counted_fears.
    child_fear_before: int | None = Field(default=None, ge=0, le=10)
    child_fear_after: int | None = Field(default=None, ge=0, le=10)
    # False while only the child has rated the try (the caregiver can still add their numbers).
    caregiver_rated: bool = Field(default=True, sa_column_kwargs={"server_default": true()})

    step: Step = Relationship()


class ExpectancyRerating(SQLModel, table=True):
    """How likely a practice's feared outcome feels days later: one per practice, re-tappable."""

    __table_args__ = (UniqueConstraint("practice_id"),)

    id: int | None = Field(default=None, primary_key=True)
    practice_id: int = Field(foreign_key="practice.id", ondelete="CASCADE")
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    likelihood: int = Field(ge=0, le=100)
    rated_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    rated_at: datetime = _ts()


AVOIDANCE_KINDS = ("school", "outing", "activity", "social", "separation", "other")
ACCOMMODATION_KINDS = ("kept_home", "excused", "spoke_for", "reassurance", "changed_routine",
                       "other")


# As SQLAlchemy writes the test of the flag on each engine, so queries match the partial index.
_HOPELESS_SQLITE, _HOPELESS_PG = text("hopeless_words = 1"), text("hopeless_words")


class DayCheckIn(SQLModel, table=True):
    """One per child per local day: distress, and what was avoided and accommodated."""

    # (child, day) serves every lookup by child. The caseload summary, rebuilt in every
    # check-in's commit, asks for a child's latest change and latest day with hopeless words:
    # through these, not by reading two years of check-ins (550 us at 730, 11 us).
    __table_args__ = (UniqueConstraint("child_id", "day"), UniqueConstraint("idempotency_key"),
                      Index("ix_daycheckin_child_updated", "child_id", "updated_at"),
                      Index("ix_daycheckin_child_hopeless", "child_id", "day",
                            sqlite_where=_HOPELESS_SQLITE, postgresql_where=_HOPELESS_PG))

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", ondelete="CASCADE")
    day: date
    child_distress: int = Field(ge=0, le=10)
    caregiver_distress: int = Field(ge=0, le=10)
    # The caregiver noted the child said things like "nothing will help" or talked about not
    # wanting to be here (rules/hopelessness.py).
    hopeless_words: bool = Field(default=False, sa_column_kwargs={"server_default": false()})
    logged_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    idempotency_key: str = Field(max_length=64)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()

    avoidances: list["Avoidance"] = Relationship(
        back_populates="checkin", cascade_delete=True,
        sa_relationship_kwargs={"order_by": "Avoidance.id"},
    )


class Avoidance(SQLModel, table=True):
    """Something avoided on a day, and how (if at all) the family accommodated it."""

    id: int | None = Field(default=None, primary_key=True)
    checkin_id: int = Field(foreign_key="daycheckin.id", index=True, ondelete="CASCADE")
    kind: str = Field(max_length=16)
    description: str = Field(default="", max_length=200)
    accommodations: list[str] = _json_list()
    accommodation_note: str = Field(default="", max_length=200)

    checkin: DayCheckIn = Relationship(back_populates="avoidances")


_OPEN_PLAN = text(f"status IN ({', '.join(repr(str(s)) for s in OPEN_PLAN_STATUSES)})")


class AccommodationPlan(SQLModel, table=True):
    """A parent-led plan to reduce one accommodation (SPACE): the target, what the parents
    do and say instead, and who changed it last. One open (draft or active) plan per child:
    the unique partial index holds it when two caregivers write a plan at the same moment."""

    __table_args__ = (Index("ix_accommodationplan_one_open", "child_id", unique=True,
                            sqlite_where=_OPEN_PLAN, postgresql_where=_OPEN_PLAN),)

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    status: str = Field(default=PlanStatus.DRAFT, max_length=8)  # a PlanStatus
    avoidance_kind: str = Field(default="", max_length=16)  # "" for the family's own target
    accommodation: str = Field(default="", max_length=16)  # "" for the family's own target
    target: str = Field(max_length=200)
    instead: str = Field(max_length=500)
    starts_on: date
    # The supportive statement (SOURCE_SPACE_GUIDE): acceptance, then confidence.
    acceptance: str = Field(max_length=150)
    confidence: str = Field(max_length=150)
    if_upset: str = Field(max_length=500)
    announcement: str = Field(default="", max_length=2000)  # "" until the family edits it
    hold_days: int = Field(default=7, ge=1, le=30)
    hold_window: int = Field(default=10, ge=1, le=30)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    changed_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    changed_at: datetime = _ts()
    finished_at: datetime | None = _when()

    agreements: list["PlanAgreement"] = Relationship(
        cascade_delete=True, passive_deletes=True,
        sa_relationship_kwargs={"order_by": "PlanAgreement.id"})

    @property
    def statement(self) -> str:
        """The supportive statement as the parents will say it."""
        return supportive_statement(self.acceptance, self.confidence)


class PlanAgreement(SQLModel, table=True):
    """A caregiver agreed to the plan as it stood; a change to the plan clears these."""

    __table_args__ = (UniqueConstraint("plan_id", "user_id"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="accommodationplan.id", index=True, ondelete="CASCADE")
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    agreed_at: datetime = _ts()


class PlanDay(SQLModel, table=True):
    """One day of a plan, from the day check-in: kept or not, how upset, how hard, what helped."""

    __table_args__ = (UniqueConstraint("plan_id", "day"),)

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="accommodationplan.id", index=True, ondelete="CASCADE")
    day: date
    kept: str = Field(max_length=8)  # a PlanKept
    child_upset: int | None = Field(default=None, ge=0, le=10)
    parent_hard: int | None = Field(default=None, ge=0, le=10)
    helped: str = Field(default="", max_length=200)
    logged_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")


REMINDER_KINDS = ("practice", "missed_nudge", "weekly_digest", "therapist", "booster", "rerate")


class Reminder(SQLModel, table=True):
    """A schedule of local times on chosen weekdays; one delivery per occurrence, ever."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")  # recipient
    child_id: int | None = Field(default=None, foreign_key="child.id", index=True,
                                 ondelete="CASCADE")
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    kind: str = Field(max_length=16)
    message: str = Field(default="", max_length=300)  # therapist reminders carry their words
    weekdays: str = Field(max_length=7)  # ISO weekday digits, Monday = 1, e.g. "12345"
    local_time: str = Field(max_length=5)  # "HH:MM"
    timezone: str = Field(max_length=64)
    channels: list[str] = Field(default_factory=_inbox_only,
                                sa_column=Column(JSON, nullable=False))
    active: bool = True
    skip_date: date | None = None  # snoozed: the occurrence on this local date is skipped
    starts_on: date | None = None  # no occurrence before this local date (a dated one-off)
    ends_on: date | None = None
    next_due_at: datetime | None = _when(index=True)
    claimed_by: str = Field(default="", max_length=64)
    claimed_until: datetime | None = _when()
    created_at: datetime = _ts()


class Delivery(SQLModel, table=True):
    """One occurrence of a reminder: sent, missed, skipped or not needed. Never two per day."""

    # The unique index also serves lookups by reminder (and the cascade): no index of its own,
    # which would be one more write for every delivery.
    __table_args__ = (UniqueConstraint("reminder_id", "local_date"),)

    id: int | None = Field(default=None, primary_key=True)
    reminder_id: int = Field(foreign_key="reminder.id", ondelete="CASCADE")
    local_date: date
    due_at: datetime = _ts()
    status: str = Field(max_length=16)  # a DeliveryStatus
    created_at: datetime = _ts()
    # External channels go out after the delivery row commits (an outbox), so a crash
    # between the two is retried rather than lost: a ChannelState per column, one column for
    # each outbox channel in channels/registry.py.
    email_state: str = Field(default=ChannelState.NOT_WANTED, max_length=8, index=True)
    push_state: str = Field(default=ChannelState.NOT_WANTED, max_length=8, index=True)
    outbox_claimed_until: datetime | None = _when()
    title: str = Field(default="", max_length=120)
    body: str = Field(default="", max_length=2000)
    link: str = Field(default="", max_length=200)


class InboxMessage(SQLModel, table=True):
    # A user's messages newest first, a page at a time, and the unread badge: one index, in
    # the order the inbox lists them (no sort of a year's messages), and one write less for
    # every in-app reminder than an index on each column.
    __table_args__ = (Index("ix_inboxmessage_user_time", "user_id", "created_at"),)
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", ondelete="CASCADE")
    delivery_id: int | None = Field(default=None, foreign_key="delivery.id", unique=True,
                                    ondelete="SET NULL")
    # The child a message is about (it names them): deleting the child takes it, though the
    # reminder it came from may have gone before it (deleted, or pruned when spent).
    child_id: int | None = Field(default=None, foreign_key="child.id", index=True,
                                 ondelete="CASCADE")
    title: str = Field(max_length=120)
    body: str = Field(default="", max_length=2000)
    link: str = Field(default="", max_length=200)
    created_at: datetime = _ts()
    read_at: datetime | None = _when()


class NotificationSettings(SQLModel, table=True):
    """Per user: quiet hours (no email or push then) and email kinds unsubscribed from."""

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    quiet_start: str = Field(default="", max_length=5)  # "HH:MM" or "" for none
    quiet_end: str = Field(default="", max_length=5)
    email_opt_out: list[str] = _json_list()


class CalendarFeed(SQLModel, table=True):
    """A caregiver's private calendar feed: the hash of its secret link, and what it shows.

    The link's token is shown once and never stored; turning the feed off deletes the row.
    """

    user_id: int = Field(foreign_key="user.id", primary_key=True, ondelete="CASCADE")
    token_hash: str = Field(max_length=64, unique=True)
    show_child_names: bool = False
    created_at: datetime = _ts()
    # What the feed last served, as a hash, and since when: Last-Modified moves only when the
    # events themselves change (services/calendar_feeds.py).
    content_hash: str = Field(default="", max_length=64)
    changed_at: datetime = _ts()


class PushSubscription(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    endpoint: str = Field(max_length=1000, unique=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)
    created_at: datetime = _ts()


_ACTIVE_LINK = text(f"status = {str(LinkStatus.ACTIVE)!r}")


class TherapistLink(SQLModel, table=True):
    """A therapist's access to one child: only active after a caregiver consents.

    Created either by a therapist (a short code the family enters) or by a caregiver (an email
    invitation); `status` is pending until a caregiver accepts, then active until either side
    ends it. Who consented, when, and what was shared stay on the row as the consent record.
    """

    # By child, then therapist: every therapist request checks its link to the child, and a
    # therapist's links (ended ones stay, as consent records) grow with the years of a caseload.
    # One active link per therapist and child, held by the database: two codes accepted at the
    # same moment each find none before the other commits.
    __table_args__ = (Index("ix_therapistlink_child_therapist", "child_id", "therapist_id"),
                      Index("ux_therapistlink_one_active", "therapist_id", "child_id",
                            unique=True, sqlite_where=_ACTIVE_LINK,
                            postgresql_where=_ACTIVE_LINK))
    id: int | None = Field(default=None, primary_key=True)
    therapist_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                     ondelete="CASCADE")
    child_id: int | None = Field(default=None, foreign_key="child.id", ondelete="CASCADE")
    status: str = Field(default=LinkStatus.PENDING, max_length=8)  # a LinkStatus
    code_hash: str = Field(default="", max_length=64, index=True)
    invited_email: str = Field(default="", max_length=254)
    shared_scope: str = Field(default="", max_length=500)
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    expires_at: datetime | None = _when()
    consented_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    consented_at: datetime | None = _when()
    ended_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    ended_at: datetime | None = _when()
    last_session_on: date | None = None
    practice_target_days: int = Field(default=5, ge=1, le=7)


# A statement's test for an active link, with 'active' written into its SQL, not bound: SQLite
# uses the partial index above for a bound value only by preparing the statement anew on every
# run (the access check's lookup took 17 µs for 3, 107 µs with its columns, on every page).
ACTIVE_LINK = TherapistLink.status == literal_column(repr(str(LinkStatus.ACTIVE)))


class LiveSession(SQLModel, table=True):
    """A therapist's live (telehealth) session with a child: the family joins from their own
    device and the child's latest face shows on the therapist's screen.

    Open until `ended_at` is set (the therapist ends it, or consent ends) or `ends_at` passes.
    `version` grows with every change the screens poll for, so an unchanged poll costs one
    indexed read and an empty answer.
    """

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    therapist_id: int = Field(foreign_key="user.id", index=True, ondelete="CASCADE")
    started_at: datetime = _ts()
    ends_at: datetime = Field(sa_type=UTCDateTime)
    ended_at: datetime | None = _when()
    face: str = Field(default="", max_length=16)  # a Face key, "" before the first tap
    rated_at: datetime | None = _when()
    version: int = 0


class TherapistNote(SQLModel, table=True):
    """A note or homework from a therapist to a family, on a child or one of its ladders."""

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    ladder_id: int | None = Field(default=None, foreign_key="ladder.id", ondelete="SET NULL")
    author_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                  ondelete="SET NULL")
    kind: str = Field(default="note", max_length=8)  # note | homework
    text: str = Field(max_length=2000)
    created_at: datetime = _ts()
    seen_at: datetime | None = _when()
    done_at: datetime | None = _when()


class TherapySession(SQLModel, table=True):
    """A therapist's record of one session with a linked child: how it went and what clicked.

    Choices are stored by their keys (vocabulary.py); `approaches` maps an approach's key (or
    "custom", named in `custom_approach`) to an ApproachResult. The note is the therapist's own:
    the family never sees it, and the audit log never holds it.
    """

    __table_args__ = (UniqueConstraint("idempotency_key"),
                      Index("ix_therapysession_child_day", "child_id", "held_on"))

    id: int | None = Field(default=None, primary_key=True)
    child_id: int = Field(foreign_key="child.id", ondelete="CASCADE")
    therapist_id: int | None = Field(default=None, foreign_key="user.id", index=True,
                                     ondelete="SET NULL")
    held_on: date
    mode: str = Field(max_length=16)  # a SessionMode
    attendance: str = Field(max_length=16)  # an Attendance
    presentations: list[str] = _json_list()
    engagement: int | None = Field(default=None, ge=1, le=5)
    calming: list[str] = _json_list()
    approaches: dict[str, str] = Field(default_factory=_no_entries,
                                       sa_column=Column(JSON, nullable=False))
    custom_approach: str = Field(default="", max_length=60)
    wins: list[str] = _json_list()
    note: str = Field(default="", max_length=2000)
    idempotency_key: str = Field(max_length=64)
    created_at: datetime = _ts()
    updated_at: datetime = _ts()


class ChildSummary(SQLModel, table=True):
    """What the therapist caseload shows of one child, kept current by every write.

    services/child_summary.py rebuilds a child's row in the transaction of each change to
    their practices, check-ins, ladders, steps, homework or family time zone. It holds facts,
    not verdicts that depend on the day: the caseload evaluates those with the rules at read.
    """

    child_id: int = Field(foreign_key="child.id", primary_key=True, ondelete="CASCADE")
    # The later of the last practice and the last check-in change.
    last_activity_at: datetime | None = _when()
    # Local days as date ordinals (in the family's zone, rebuilt when it changes): the last
    # practice, and when the oldest active ladder was made.
    last_practice_day: int | None = None
    ladder_since_day: int | None = None
    # The first check-in's local day: trends and rising flags speak only with enough history.
    first_checkin_day: int | None = None
    # Local practice days (date ordinals) within PRACTICE_DAYS_KEPT of the last practice.
    practice_days: list[int] = _json_list()
    # [day ordinal, child distress, [avoided kinds]] of recent check-ins with avoidances.
    avoidances: list[list] = _json_list()
    # Steps of active ladders that are current or whose fear is not falling, in ladder order:
    # [ladder id, goal, step id, title, current?, predicted fear, current since day, flat?,
    #  fear window, ready?, mastery rule]: the window [newest moment in µs since 1970, [peak
    # fears]] of the step's last FEAR_WINDOW tried practices, oldest first, which a new practice
    # folds into unread; for a current step, whether it meets its ladder's mastery rule and
    # that rule (MasteryRule's fields in order), else False and None.
    steps: list[list] = _json_list()
    open_homework: int = 0
    # For the hopelessness flag (rules/hopelessness.py): "hopeless" marks among the last three
    # attended or declined sessions, and the latest check-in day (ordinal) noting hopeless words.
    hopeless_sessions: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    hopeless_words_day: int | None = None
    # The whole history in four numbers, so no page rereads every practice: the first day of
    # the run of consecutive practice days ending on the last one, the longest run ever, the
    # stars earned and how often each small win was ticked (rules/streaks.py).
    streak_start_day: int | None = None
    longest_streak: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    stars: int = Field(default=0, sa_column_kwargs={"server_default": text("0")})
    small_wins: dict[str, int] = Field(default_factory=_no_entries, sa_column=Column(
        JSON, nullable=False, server_default=text("'{}'")))


class AuditEvent(SQLModel, table=True):
    """A security-relevant event; never holds passwords, tokens or note text."""

    # By actor and time: a therapist page asks whether its therapist viewed the child within
    # the hour, which the index on time alone answered by reading every event of that hour;
    # deleting an account finds the actor's events to clear through it too.
    # By family and time: the family's audit log, newest first a page at a time, without a sort.
    __table_args__ = (Index("ix_auditevent_actor_time", "actor_id", "at"),
                      Index("ix_auditevent_family_time", "family_id", "at"))
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = _ts(index=True)
    actor_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    family_id: int | None = Field(default=None, foreign_key="family.id",
                                  ondelete="CASCADE")
    action: str = Field(max_length=40)
    subject: str = Field(default="", max_length=80)
    ip: str = Field(default="", max_length=64)


class MaintenanceTask(SQLModel, table=True):
    """A periodic chore (the daily prune): when it last finished, and who holds it now.

    The claim works like a reminder's lease, so of several scheduler processes only one does
    the chore, and one that dies mid-way leaves it to the next once its lease runs out.
    """

    name: str = Field(primary_key=True, max_length=32)
    last_finished_at: datetime | None = _when()
    claimed_until: datetime | None = _when()


class BoosterPlan(SQLModel, table=True):
    """Booster practices after a ladder's top step: dated reminders, until done or cancelled.

    One open plan (cancelled_at empty) per ladder; cancelling deletes its reminders not yet sent.
    """

    id: int | None = Field(default=None, primary_key=True)
    ladder_id: int = Field(foreign_key="ladder.id", index=True, ondelete="CASCADE")
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    # The local date the boosters count from: the day the ladder was finished, or the day
    # the plan was accepted once every booster day after that had passed.
    counted_from: date
    local_time: str = Field(max_length=5)  # "HH:MM", the boosters' wall time
    reminder_ids: list[int] = _json_list()
    created_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    created_at: datetime = _ts()
    cancelled_at: datetime | None = _when()


class RelapseCheck(SQLModel, table=True):
    """A family's answer to "is the old avoidance creeping back?" about a finished ladder."""

    __table_args__ = (UniqueConstraint("idempotency_key"),)

    id: int | None = Field(default=None, primary_key=True)
    ladder_id: int = Field(foreign_key="ladder.id", index=True, ondelete="CASCADE")
    child_id: int = Field(foreign_key="child.id", index=True, ondelete="CASCADE")
    avoiding: int = Field(ge=0, le=3)  # 0 No, 1 A little, 2 Yes, 3 A lot (rules/boosters.py)
    fear: int = Field(ge=0, le=3)
    accommodating: int = Field(ge=0, le=3)
    hard_step_ids: list[int] = _json_list()
    creeping_back: bool = False
    reopened_step_id: int | None = Field(default=None, foreign_key="step.id",
                                         ondelete="SET NULL")
    answered_by_id: int | None = Field(default=None, foreign_key="user.id", ondelete="SET NULL")
    answered_at: datetime = _ts()
    idempotency_key: str = Field(max_length=64)
