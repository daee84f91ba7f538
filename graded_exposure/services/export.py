"""Export everything recorded about a child or a whole family, as JSON or as a zip of CSVs.

Both formats come from the same tables, loaded in a fixed number of queries. A therapist's
export of a linked child holds only what the family consented to share: no consent records of
other therapists and no account details. Every export is audited.
"""
import csv
import io
import json
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from sqlmodel import Session, SQLModel, select

from ..models import (
    AccommodationPlan,
    AuditEvent,
    Avoidance,
    BoosterPlan,
    CalendarFeed,
    Child,
    DayCheckIn,
    ExpectancyRerating,
    Family,
    InboxMessage,
    Ladder,
    LiveSession,
    NotificationSettings,
    PlanAgreement,
    PlanDay,
    Practice,
    PushSubscription,
    RelapseCheck,
    Reminder,
    Step,
    SubStep,
    TherapistLink,
    TherapistNote,
    User,
    utcnow,
)
from ..rules.csv_cells import safe_cell
from . import audit
from .audit_log import WITH_IP

# Internal bookkeeping that means nothing outside the app (or is a secret's hash).
_LEFT_OUT = {"idempotency_key", "code_hash", "claimed_by", "claimed_until", "password_hash",
             "token_hash", "content_hash", "version"}
_LABELS = {"json": "JSON", "csv": "CSV"}
_PEOPLE = ("logged_by_id", "created_by_id", "updated_by_id", "author_id", "therapist_id",
           "consented_by_id", "ended_by_id", "actor_id", "changed_by_id", "answered_by_id",
           "rated_by_id")


@dataclass
class Tables:
    """Rows per table, already turned into plain dicts, ready for JSON or CSV."""

    tables: dict[str, list[dict]] = field(default_factory=dict)

    def add(self, name: str, rows: list[dict]) -> None:
        self.tables.setdefault(name, []).extend(rows)


def _plain(value):
    return value.isoformat() if isinstance(value, datetime | date) else value


def _row(obj: SQLModel, names: dict[int, str]) -> dict:
    row = {k: _plain(v) for k, v in obj.model_dump().items() if k not in _LEFT_OUT}
    for key in _PEOPLE:
        if key in row:
            row[key.removesuffix("_id")] = names.get(row[key], "") if row[key] else ""
    return row


def _by_ids(session: Session, model, column, ids) -> list:
    if not ids:
        return []
    return list(session.exec(select(model).where(column.in_(ids))
                             .order_by(*model.__table__.primary_key.columns)))


def _people(session: Session, objs: list[SQLModel]) -> dict[int, str]:
    ids = {getattr(o, k) for o in objs for k in _PEOPLE if getattr(o, k, None)}
    return {u.id: u.display_name for u in _by_ids(session, User, User.id, ids)}


def child_tables(session: Session, children: list[Child], *, with_sharing: bool) -> Tables:
    """Load every row about these children into tables (one query per table)."""
    ids = [c.id for c in children]
    ladders = _by_ids(session, Ladder, Ladder.child_id, ids)
    steps = _by_ids(session, Step, Step.ladder_id, [x.id for x in ladders])
    substeps = _by_ids(session, SubStep, SubStep.step_id, [x.id for x in steps])
    practices = _by_ids(session, Practice, Practice.child_id, ids)
    reratings = _by_ids(session, ExpectancyRerating, ExpectancyRerating.child_id, ids)
    checkins = _by_ids(session, DayCheckIn, DayCheckIn.child_id, ids)
    avoidances = _by_ids(session, Avoidance, Avoidance.checkin_id, [x.id for x in checkins])
    notes = _by_ids(session, TherapistNote, TherapistNote.child_id, ids)
    plans = _by_ids(session, AccommodationPlan, AccommodationPlan.child_id, ids)
    plan_ids = [x.id for x in plans]
    links = _by_ids(session, TherapistLink, TherapistLink.child_id, ids) if with_sharing else []
    groups = {"children": children, "ladders": ladders, "steps": steps, "substeps": substeps,
              "practices": practices, "expectancy_reratings": reratings, "checkins": checkins,
              "avoidances": avoidances,
              "notes": notes, "plans": plans,
              "plan_agreements": _by_ids(session, PlanAgreement, PlanAgreement.plan_id, plan_ids),
              "plan_days": _by_ids(session, PlanDay, PlanDay.plan_id, plan_ids),
              "booster_plans": _by_ids(session, BoosterPlan, BoosterPlan.child_id, ids),
              "relapse_checks": _by_ids(session, RelapseCheck, RelapseCheck.child_id, ids)}
    if with_sharing:  # the family's: who it shared with, and the live sessions it joined
        groups["sharing"] = links
        groups["live_sessions"] = _by_ids(session, LiveSession, LiveSession.child_id, ids)
    names = _people(session, [o for rows in groups.values() for o in rows])
    result = Tables()
    for name, rows in groups.items():
        result.add(name, [_row(o, names) for o in rows])
    _with_local_times(children, result.tables["children"], practices, result.tables["practices"])
    return result


def _with_local_times(children: list[Child], child_rows: list[dict], practices: list[Practice],
                      practice_rows: list[dict]) -> None:
    """Say each child's family time zone, and each practice's time in it: stored moments are
    UTC (practiced_at), while check-ins' days are the family's own calendar days. (The family
    came with each child: the access loaders join it, and a family export starts from it.)"""
    zone_of = {c.id: c.family.timezone for c in children}
    for row in child_rows:
        row["timezone"] = zone_of[row["id"]]
    for practice, row in zip(practices, practice_rows, strict=True):
        local = practice.practiced_at.astimezone(ZoneInfo(zone_of[practice.child_id]))
        row["practiced_at_local"] = _plain(local)


def family_tables(session: Session, family: Family) -> Tables:
    """Load everything about a family: caregivers, children and all their data, audit log."""
    children = list(session.exec(select(Child).where(Child.family_id == family.id)
                                 .order_by(Child.id)))
    result = child_tables(session, children, with_sharing=True)
    caregivers = list(session.exec(select(User).where(User.family_id == family.id)
                                   .order_by(User.id)))
    result.add("family", [{"id": family.id, "timezone": family.timezone,
                           "created_at": _plain(family.created_at)}])
    result.add("caregivers", [{"id": u.id, "display_name": u.display_name, "email": u.email,
                               "created_at": _plain(u.created_at)} for u in caregivers])
    reminders = _by_ids(session, Reminder, Reminder.user_id, [u.id for u in caregivers])
    events = list(session.exec(select(AuditEvent).where(AuditEvent.family_id == family.id)
                               .order_by(AuditEvent.id)))
    names = _people(session, reminders + events)
    result.add("reminders", [_row(r, names) for r in reminders])
    caregiver_ids = [u.id for u in caregivers]
    for name, model in (("inbox", InboxMessage), ("notification_settings", NotificationSettings),
                        ("calendar_feeds", CalendarFeed)):
        result.add(name, [_row(o, names) for o in _by_ids(session, model, model.user_id,
                                                           caregiver_ids)])
    # Which phones have notifications on, by push service: the endpoint and keys are secrets.
    result.add("push_devices", [
        {"user_id": d.user_id, "service": urlsplit(d.endpoint).hostname,
         "created_at": _plain(d.created_at)}
        for d in _by_ids(session, PushSubscription, PushSubscription.user_id, caregiver_ids)])
    result.add("audit_log", [{**_row(e, names), "ip": e.ip if e.action in WITH_IP else ""}
                             for e in events])
    return result


# The family export's tables not about one child, at the top of its JSON document.
FAMILY_WIDE = ("family", "caregivers", "reminders", "inbox", "notification_settings",
               "calendar_feeds", "push_devices", "audit_log")


def as_json(tables: Tables, what: str) -> str:
    """Return the tables as a JSON document, each child with its data nested under it."""
    t = tables.tables
    steps_by_ladder, subs_by_step, avoid_by_checkin, of_plan = {}, {}, {}, {}
    for s in t["substeps"]:
        subs_by_step.setdefault(s["step_id"], []).append(s)
    for s in t["steps"]:
        steps_by_ladder.setdefault(s["ladder_id"], []).append({**s, "substeps":
                                                               subs_by_step.get(s["id"], [])})
    for a in t["avoidances"]:
        avoid_by_checkin.setdefault(a["checkin_id"], []).append(a)
    for name in ("plan_agreements", "plan_days"):
        for row in t.get(name, []):
            of_plan.setdefault((name, row["plan_id"]), []).append(row)

    def of(child_id, name):
        return [r for r in t.get(name, []) if r["child_id"] == child_id]

    children = [{**c,
                 "ladders": [{**ladder, "steps": steps_by_ladder.get(ladder["id"], [])}
                             for ladder in of(c["id"], "ladders")],
                 "practices": of(c["id"], "practices"),
                 "expectancy_reratings": of(c["id"], "expectancy_reratings"),
                 "checkins": [{**ci, "avoidances": avoid_by_checkin.get(ci["id"], [])}
                              for ci in of(c["id"], "checkins")],
                 "notes": of(c["id"], "notes"),
                 "plans": [{**p, "agreements": of_plan.get(("plan_agreements", p["id"]), []),
                            "days": of_plan.get(("plan_days", p["id"]), [])}
                           for p in of(c["id"], "plans")],
                 "booster_plans": of(c["id"], "booster_plans"),
                 "relapse_checks": of(c["id"], "relapse_checks"),
                 **({"sharing": of(c["id"], "sharing"),
                     "live_sessions": of(c["id"], "live_sessions")} if "sharing" in t else {})}
                for c in t["children"]]
    extra = {k: v for k, v in t.items() if k in FAMILY_WIDE}
    document = {"exported_at": utcnow().isoformat(), "export_of": what, **extra,
                "children": children}
    return json.dumps(document, ensure_ascii=False, indent=2)


def as_csv_zip(tables: Tables) -> bytes:
    """Return a zip holding one CSV per table, every cell safe to open in a spreadsheet."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, rows in tables.tables.items():
            archive.writestr(f"{name}.csv", _csv(rows))
    return buffer.getvalue()


def _csv(rows: list[dict]) -> str:
    columns = list(dict.fromkeys(key for row in rows for key in row))
    out = io.StringIO()
    out.write("\ufeff")  # a byte order mark, so spreadsheets read the text as UTF-8
    writer = csv.writer(out)
    writer.writerow(columns)
    for row in rows:
        writer.writerow([safe_cell(row.get(column)) for column in columns])
    return out.getvalue()


def export_child(session: Session, child: Child, user: User, fmt: str, ip: str = ""):
    """Return one child's data as JSON text or CSV zip bytes, and audit the export."""
    tables = child_tables(session, [child], with_sharing=user.family_id == child.family_id)
    audit.record(session, "export", actor_id=user.id, family_id=child.family_id,
                 subject=f"child:{child.id} as {_LABELS[fmt]}", ip=ip)
    session.commit()
    return as_json(tables, "child") if fmt == "json" else as_csv_zip(tables)


def export_family(session: Session, family: Family, user: User, fmt: str, ip: str = ""):
    """Return a whole family's data as JSON text or CSV zip bytes, and audit the export."""
    audit.record(session, "export", actor_id=user.id, family_id=family.id,
                 subject=f"whole family as {_LABELS[fmt]}", ip=ip)
    session.commit()
    tables = family_tables(session, family)
    return as_json(tables, "family") if fmt == "json" else as_csv_zip(tables)
