"""Forms sent later from the phone's offline queue (static/sw.js): answers a script can read.

A practice or check-in form submitted without a connection is stored on the device and sent
again when the connection returns, with the header `X-Queued-Sync: 1` (and `X-Queued-At`, the
UTC moment it was logged). Such a send gets JSON, never a page or a redirect:

- 201 {"saved": true}: stored, or already stored under the same idempotency key;
- 422 {"error": ...}: refused as it stands (the family fixes it in the app or deletes it);
- 404 {"error": ...}: the child or the step is gone;
- 401 {"error": ...}: the session ended (or the form's token belongs to an ended one): sign
  in again, then it is sent;
- any other 4xx/5xx {"error": ...}: try again later.
"""
from datetime import UTC, datetime

from flask import jsonify, request
from wtforms.form import BaseForm

HEADER = "X-Queued-Sync"
QUEUED_AT_HEADER = "X-Queued-At"
SIGNED_OUT = "Your session ended. Sign in again, then it will be sent."


def is_queued_sync() -> bool:
    """True for a form sent from the offline queue."""
    return request.headers.get(HEADER) == "1"


def queued_at() -> datetime | None:
    """Return when the queued form was logged on the phone (UTC), or None if not said clearly."""
    raw = request.headers.get(QUEUED_AT_HEADER, "")
    try:
        when = datetime.fromisoformat(raw.replace("Z", "+00:00"))
        return when.astimezone(UTC) if when.tzinfo is not None else None
    except (ValueError, OverflowError):  # not a time, or one beyond the calendar in UTC
        return None


def saved():
    """The queued form is stored."""
    return jsonify(saved=True), 201


def refused(form: BaseForm):
    """The queued form cannot be stored as it stands: say why, in the form's own words."""
    messages = list(form.form_errors)
    for name, errors in form.errors.items():
        if name is not None:
            messages.extend(str(e) for e in errors)
    return failed(422, " ".join(dict.fromkeys(messages)) or "This form could not be saved.")


def failed(code: int, message: str):
    """Any other answer to a queued send."""
    return jsonify(error=message), code
