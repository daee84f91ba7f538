"""Insights for a child: the avoidance trap in detail, flags, streaks, wins, the weekly summary,
the opportunity calendar."""
from datetime import timedelta

from flask import Blueprint, request

from ..access import child_for, in_family, linked_child_for
from ..auth_session import require_login
from ..db import get_session
from ..rules.opportunity_calendar import parse_iso_week
from ..rules.showable_days import showable_day
from ..services import checkins, insights, opportunity_calendar, weekly_summary
from .responses import render

bp = Blueprint("insights", __name__)
bp.before_request(require_login)


@bp.get("/children/<int:child_id>/insights")
def show(child_id: int):
    child = child_for(child_id)
    found = insights.for_child(get_session(), child, story=True)
    return render("insights/show.html", child=child, insights=found)


@bp.get("/children/<int:child_id>/week")
def week(child_id: int):
    child = child_for(child_id)
    start = showable_day(request.args.get("start"), checkins.today_for(child))
    summary = weekly_summary.for_week(get_session(), child, start)
    return render("insights/week.html", child=child, summary=summary,
                  previous=summary.start - timedelta(weeks=1),
                  following=summary.start + timedelta(weeks=1))


@bp.get("/children/<int:child_id>/calendar")
def calendar(child_id: int):
    """The opportunity calendar of a week (?week=2026-W49), for the family or a linked therapist;
    an unreadable week shows the current one, with a 400 and a message."""
    child = linked_child_for(child_id)
    asked_text = request.args.get("week", "")
    asked = parse_iso_week(asked_text) if asked_text else None
    unreadable = bool(asked_text) and asked is None
    found = opportunity_calendar.calendar_page(get_session(), child, asked)
    return render("insights/calendar.html", status=400 if unreadable else 200, child=child,
                  calendar=found, unreadable=unreadable, family_view=in_family(child))
