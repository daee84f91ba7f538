"""Reminder settings: the list per child, add/edit, pause, snooze, delete, quiet hours, defaults."""
from flask import Blueprint, current_app, flash, request, url_for
from flask_login import current_user

from ..access import child_for, in_family, reminder_for
from ..auth_session import caregiver_required
from ..channels import registry, vapid
from ..db import get_session
from ..errors import DomainError
from ..forms.calendar_feed import CalendarFeedForm
from ..forms.reminders import NotificationSettingsForm, ReminderForm
from ..models import Reminder
from ..services import (
    calendar_feeds,
    families,
    notification_settings,
    push_subscriptions,
    reminders,
)
from .responses import refusal_on, render, render_form, see_other, status_for, wants_fragment

bp = Blueprint("reminders", __name__, url_prefix="/reminders")
# Every route here is for a caregiver with a family: visitors go to log in, others get 404.
bp.before_request(caregiver_required(lambda: None))

@bp.app_context_processor
def _reminder_suggestion():
    def suggest_reminders(child) -> bool:
        """True when the ladder page should offer the default reminders for this child."""
        return in_family(child) and not reminders.has_reminders(get_session(), current_user,
                                                                child)
    return {"suggest_reminders": suggest_reminders}


def _settings_page(status: int = 200, **context):
    db = get_session()
    settings = notification_settings.settings_for(db, current_user.id)
    context.setdefault("settings_form", NotificationSettingsForm(
        formdata=None, quiet_start=settings.quiet_start, quiet_end=settings.quiet_end,
        email_kinds=[k for k in notification_settings.KIND_LABELS
                     if k not in settings.email_opt_out]))
    children = families.family_children(db, current_user.family_id)
    feed = calendar_feeds.feed_of(db, current_user)
    return render("reminders/index.html", status=status,
                  groups=reminders.reminders_by_child(db, current_user, children),
                  push_key=vapid.application_server_key(current_app.config),
                  push_devices=push_subscriptions.device_count(db, current_user),
                  calendar_feed=feed, feed_form=CalendarFeedForm(
                      formdata=None, show_child_names=bool(feed and feed.show_child_names)),
                  **context)


@bp.get("")
def index():
    return _settings_page()


def _form(reminder: Reminder | None = None) -> ReminderForm:
    children = families.family_children(get_session(), current_user.family_id)
    if reminder is None:
        wanted = request.args.get("child_id", "")
        return ReminderForm(children=children, child_id=wanted or None,
                            timezone=current_user.family.timezone)
    return ReminderForm(children=children, obj=reminder, child_id=str(reminder.child_id),
                        weekdays=list(reminder.weekdays),
                        channels=[c for c in reminder.channels if c != registry.INBOX.name])


def _save(form: ReminderForm, reminder: Reminder | None):
    """Validate and store the form; return the saved reminder, or None if refused."""
    if not form.validate_on_submit():
        return None
    with refusal_on(form):
        schedule = reminders.checked_schedule(
            kind=form.kind.data, weekdays=form.weekdays.data, local_time=form.local_time.data,
            timezone=form.timezone.data, channels=form.channels.data)
        child = child_for(int(form.child_id.data))
        if reminder is None:
            return reminders.create_reminder(get_session(), current_user, child, schedule)
        return reminders.update_reminder(get_session(), reminder, child, schedule)
    return None


@bp.route("/new", methods=["GET", "POST"])
def create():
    form = _form()
    if request.method == "POST" and _save(form, None):
        flash("Reminder saved.", "success")
        return see_other(url_for("reminders.index"))
    return render_form("reminders/form.html", form, reminder=None)


@bp.route("/<int:reminder_id>/edit", methods=["GET", "POST"])
def update(reminder_id: int):
    reminder = reminder_for(reminder_id)
    if reminder.kind not in reminders.CAREGIVER_KINDS:
        flash("A reminder your therapist set can be paused or deleted here, not changed."
              if reminder.kind == "therapist" else
              "This reminder is for one day: pause or delete it here.", "info")
        return see_other(url_for("reminders.index") + f"#reminder-{reminder.id}")
    form = _form(reminder)
    if request.method == "POST" and _save(form, reminder):
        flash("Reminder saved.", "success")
        return see_other(url_for("reminders.index") + f"#reminder-{reminder.id}")
    return render_form("reminders/form.html", form, reminder=reminder)


def _changed(reminder: Reminder, message: str):
    """Answer a change to one reminder: its component for htmx, else the list (303)."""
    if wants_fragment():
        return render("reminders/_reminder.html", row=reminders.describe(reminder))
    flash(message, "success")
    return see_other(url_for("reminders.index") + f"#reminder-{reminder.id}")


def _refused_change(reminder: Reminder, error: str):
    if wants_fragment():
        return render("reminders/_reminder.html", status=422, row=reminders.describe(reminder),
                      error=error)
    return _settings_page(422, error=error, error_for=reminder.id)


@bp.post("/<int:reminder_id>/pause")
def pause(reminder_id: int):
    reminder = reminders.pause(get_session(), reminder_for(reminder_id))
    return _changed(reminder, "Reminder paused.")


@bp.post("/<int:reminder_id>/resume")
def resume(reminder_id: int):
    reminder = reminders.resume(get_session(), reminder_for(reminder_id))
    return _changed(reminder, "Reminder back on.")


@bp.post("/<int:reminder_id>/snooze")
def snooze(reminder_id: int):
    reminder = reminder_for(reminder_id)
    try:
        reminders.snooze(get_session(), reminder)
    except DomainError as e:
        return _refused_change(reminder, str(e))
    return _changed(reminder, "Snoozed: the next one is skipped.")


@bp.post("/<int:reminder_id>/unsnooze")
def unsnooze(reminder_id: int):
    reminder = reminders.unsnooze(get_session(), reminder_for(reminder_id))
    return _changed(reminder, "Snooze undone.")


@bp.post("/<int:reminder_id>/delete")
def delete(reminder_id: int):
    reminder = reminder_for(reminder_id)
    reminder_id = reminder.id
    reminders.delete(get_session(), reminder)
    if wants_fragment():
        return render("reminders/_deleted.html", reminder_id=reminder_id)
    flash("Reminder deleted.", "info")
    return see_other(url_for("reminders.index"))


@bp.post("/settings")
def settings():
    form = NotificationSettingsForm()
    if form.validate_on_submit():
        with refusal_on(form):
            notification_settings.save_settings(
                get_session(), current_user, quiet_start=form.quiet_start.data,
                quiet_end=form.quiet_end.data, email_kinds=form.email_kinds.data or [])
            flash("Notification settings saved.", "success")
            return see_other(url_for("reminders.index") + "#notification-settings")
    return _settings_page(status_for(form), settings_form=form)


@bp.post("/defaults/<int:child_id>")
def defaults(child_id: int):
    child = child_for(child_id)
    reminders.create_defaults(get_session(), current_user, child)
    if wants_fragment():
        return render("reminders/_suggest.html", child=child, just_set=True)
    flash("Reminders set: weekdays at 07:30, and an evening nudge at 19:30 if nothing "
          "was logged.", "success")
    return see_other(url_for("reminders.index"))
