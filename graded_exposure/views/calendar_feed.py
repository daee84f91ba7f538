"""The private calendar feed: served to calendar apps by its secret link, managed by the
caregiver on the reminders page (turn on, a new link, child names or not, turn off)."""
import hashlib
from urllib.parse import urlsplit

from flask import Blueprint, current_app, flash, redirect, request, url_for
from flask_login import current_user

from ..auth_session import caregiver_required
from ..calendar_ics import calendar_bytes
from ..db import get_session
from ..errors import DomainError
from ..forms.calendar_feed import CalendarFeedForm
from ..public_address import base_url, public_url
from ..services import calendar_feeds
from .responses import client_ip, render, see_other

bp = Blueprint("calendar_feed", __name__)
CALENDAR_NAME = "Brave Steps"
SETTINGS = "#calendar-feed"


@bp.get("/calendar/<token>.ics")
def feed(token: str):
    # No login: the token is the credential. Unknown, revoked or malformed: the same bare 404.
    links = calendar_feeds.FeedLinks(
        practice=public_url("home.index"), therapist=public_url("inbox.index"),
        uid_host=urlsplit(base_url(current_app.config)).hostname or "localhost")
    found = calendar_feeds.open_feed(get_session(), token, links)
    if found is None:
        return _not_found()
    body = calendar_bytes(found.events, name=CALENDAR_NAME, stamp=found.changed_at)
    response = current_app.response_class(body, mimetype="text/calendar")
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.last_modified = found.changed_at
    # A private schedule: shared caches must not keep it, and search engines must not list it.
    response.headers["Cache-Control"] = "private, no-cache"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response.make_conditional(request)


def _not_found():
    # Plain words, the same for every token: no page around it (nor its session cookie).
    response = current_app.response_class("Not found.\n", status=404, mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    response.headers["X-Robots-Tag"] = "noindex, nofollow"
    return response


def _link_page(token: str):
    """Show the new link, this once: only its hash is kept."""
    url = public_url("calendar_feed.feed", token=token)
    return render("calendar_feed/link.html", feed_url=url,
                  webcal_url="webcal://" + url.split("://", 1)[1])


@bp.post("/reminders/calendar")
@caregiver_required
def turn_on():
    # CSRFProtect has checked the token already; a tick box cannot be otherwise wrong.
    show = CalendarFeedForm().show_child_names.data
    return _link_page(calendar_feeds.turn_on(get_session(), current_user,
                                             show_child_names=show, ip=client_ip()))


@bp.post("/reminders/calendar/new-link")
@caregiver_required
def new_link():
    try:
        token = calendar_feeds.new_link(get_session(), current_user, ip=client_ip())
    except DomainError as e:
        flash(str(e), "error")
        return see_other(url_for("reminders.index") + SETTINGS)
    return _link_page(token)


# The link page answers a POST; reloading it from the address bar lands on the settings.
@bp.get("/reminders/calendar")
@bp.get("/reminders/calendar/new-link")
@caregiver_required
def settings():
    return redirect(url_for("reminders.index") + SETTINGS)


@bp.post("/reminders/calendar/names")
@caregiver_required
def names():
    show = CalendarFeedForm().show_child_names.data
    try:
        calendar_feeds.show_child_names(get_session(), current_user, show, ip=client_ip())
    except DomainError as e:
        flash(str(e), "error")
    else:
        flash("Calendar events now show your child's name." if show
              else "Calendar events no longer show your child's name.", "success")
    return see_other(url_for("reminders.index") + SETTINGS)


@bp.post("/reminders/calendar/off")
@caregiver_required
def turn_off():
    calendar_feeds.turn_off(get_session(), current_user, ip=client_ip())
    flash("Calendar feed turned off: its link no longer works.", "info")
    return see_other(url_for("reminders.index") + SETTINGS)
