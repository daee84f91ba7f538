"""GET /healthz for load balancers: 200 while the database answers, 503 when it does not.

Open to anyone, so it says nothing anyone could use: no versions, host names, counts or error
text, only fixed words and the scheduler heartbeat's age in seconds. It runs one primary-key
read on a pooled connection, touches no session (so sets no cookie) and is never cached.
A stale scheduler still answers 200 (services/health.py says why) with "scheduler": "stale".
"""
from flask import Blueprint, current_app, jsonify

from ..extensions import csrf
from ..services import health

bp = Blueprint("health", __name__)
csrf.exempt(bp)  # probes carry no token; the endpoint only reads


@bp.get("/healthz")
def healthz():
    report = health.check(current_app.extensions["db_engine"],
                          current_app.config["SCHEDULER_STALE_AFTER"])
    if not report.database_ok:
        body, status = {"status": "unavailable", "database": "unavailable"}, 503
    else:
        body, status = {"status": "ok", "database": "ok", "scheduler": report.scheduler,
                        "scheduler_last_pass_seconds_ago": report.seconds_since_pass}, 200
    response = jsonify(body)
    response.status_code = status
    response.headers["Cache-Control"] = "no-store"
    return response
