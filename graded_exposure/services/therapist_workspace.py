"""A linked therapist's page for one child: ladders and fear trends, adherence, insights, log."""
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import bindparam
from sqlmodel import Session, select

from ..errors import DomainError
from ..models import (
    REFERRAL_TEXT_MAX,
    AuditEvent,
    Child,
    Reminder,
    TherapistLink,
    TherapySession,
    User,
    utcnow,
)
from ..rules import attention
from ..rules.flags import Flag
from ..rules.timezones import local_date
from . import (
    audit,
    insights,
    ladder_trends,
    plan_glance,
    practices,
    therapy_sessions,
    two_voices,
    what_clicks,
)
from .pagination import Page
from .therapist_notes import ChildNotes, notes_for_child, scheduled_reminders

# A therapist reloading the page during a session should not flood the family's audit log.
VIEW_AUDIT_EVERY = timedelta(hours=1)
PLAN_DAYS = 28  # the parent-led plan's days summed on the page
# The log's page on the therapist's page: about two weeks of daily practice, what a session
# looks back on (the "since last session" summary has the whole period, older pages are one
# tap away), even for the log's two columns on a laptop. The family's own list keeps
# practices.PER_PAGE. The log's rows were half the page's cost at 30; the two voices'
# agreement reads this same page, its latest tries rated by both.
LOG_PER_PAGE = 16


@dataclass
class ChildWorkspace:
    child: Child
    link: TherapistLink
    insights: insights.ChildInsights
    ladders: list[ladder_trends.LadderTrend]  # active, oldest first
    archived_ladders: int
    days_last_28: int
    log: Page[practices.PracticeRow]
    notes: ChildNotes
    reminders: list[Reminder]
    sessions: list[TherapySession]  # the therapist's latest records, newest first
    what_clicks: what_clicks.ChildWhatClicks
    plan: plan_glance.PlanGlance | None = None  # the parent-led plan (SPACE), if any
    hopelessness: Flag | None = None  # shown first, with the practice's referral pathway
    # The child's and the caregiver's ratings of the same tries, from the log's newest page
    # (no query of its own); None on older pages of the log.
    voices: two_voices.VoicesView | None = None

    @property
    def target(self) -> int:
        return self.link.practice_target_days

    @property
    def behind(self) -> bool:
        since = attention.days_linked(self.link.consented_at, self.child.family.timezone,
                                      self.insights.today)
        return attention.is_behind_target(self.insights.practice_days_last_7, self.target, since)


_RECENT_VIEW = select(AuditEvent.id).where(
    AuditEvent.action == "therapist_viewed", AuditEvent.actor_id == bindparam("actor_id"),
    AuditEvent.subject == bindparam("subject"), AuditEvent.at >= bindparam("since")).limit(1)


def set_referral_text(session: Session, therapist: User, text: str, ip: str = "") -> None:
    """Set the referral pathway the therapist's practice follows (shown with the
    hopelessness flag); empty clears it. Longer than REFERRAL_TEXT_MAX is refused."""
    text = (text or "").strip()
    if len(text) > REFERRAL_TEXT_MAX:
        raise DomainError(f"Keep the referral pathway to {REFERRAL_TEXT_MAX} characters or "
                          "fewer.")
    therapist.referral_text = text
    audit.record(session, "referral_text_set", actor_id=therapist.id, ip=ip)
    session.commit()


def record_view(session: Session, therapist: User, child: Child, ip: str = "",
                now: datetime | None = None) -> bool:
    """Audit that the therapist opened the child's data; at most once an hour. True if recorded."""
    now = now or utcnow()
    subject = f"child:{child.id}"
    recent = session.connection().execute(_RECENT_VIEW, {
        "actor_id": therapist.id, "subject": subject, "since": now - VIEW_AUDIT_EVERY}).first()
    if recent is not None:
        return False
    audit.record(session, "therapist_viewed", actor_id=therapist.id, family_id=child.family_id,
                 subject=subject, ip=ip)
    session.commit()
    return True


def open_for(session: Session, child: Child, link: TherapistLink, *, page: int = 1,
             notes_page: int = 1, ip: str = "", now: datetime | None = None) -> ChildWorkspace:
    """Load everything the therapist's page shows for the child, and audit the view.

    `link` is the therapist's active link to the child (access.child_and_link_for)."""
    now = now or utcnow()
    therapist = session.get(User, link.therapist_id)
    record_view(session, therapist, child, ip, now)
    tz = child.family.timezone
    today = local_date(now, tz)
    found = insights.for_child(session, child, today)
    # Oldest ladder first, as the family's home screen lists them.
    trends, archived = ladder_trends.for_child(session, child.id, tz)
    log = practices.list_practices(session, child, page, LOG_PER_PAGE)
    return ChildWorkspace(
        child=child, link=link, insights=found, ladders=trends, archived_ladders=archived,
        days_last_28=found.practice_days_last_28,
        log=log, voices=two_voices.voices_of(log.rows[::-1]) if log.page == 1 else None,
        notes=notes_for_child(session, child, notes_page),
        reminders=scheduled_reminders(session, therapist, child),
        sessions=therapy_sessions.recent_sessions(session, therapist, child),
        what_clicks=what_clicks.for_child(session, child),
        plan=plan_glance.glance(session, child, today - timedelta(days=PLAN_DAYS - 1), today),
        hopelessness=found.hopelessness)
