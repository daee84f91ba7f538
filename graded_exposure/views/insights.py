"""Insights for a child: the avoidance trap in detail, flags, streaks, wins, the weekly summary."""
from datetime import date, timedelta

from flask import Blueprint, request

from ..access import child_for
from ..auth_session import require_login
from ..db import get_session
from ..rules.showable_days import showable_day
from ..services import insights, weekly_summary
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
    start = showable_day(request.args.get("start"), date.today())
    summary = weekly_summary.for_week(get_session(), child, start)
    return render("insights/week.html", child=child, summary=summary,
                  previous=summary.start - timedelta(weeks=1),
                  following=summary.start + timedelta(weeks=1))
