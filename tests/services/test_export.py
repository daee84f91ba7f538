"""Exports: every row about a child (or a family) in JSON, and spreadsheet-safe CSVs in a zip."""
import csv
import io
import json
import zipfile
from datetime import UTC, datetime

import pytest
from sqlmodel import select

from graded_exposure.models import (
    AuditEvent,
    DayCheckIn,
    ExpectancyRerating,
    Practice,
    Step,
)
from graded_exposure.rules.boosters import RelapseAnswers
from graded_exposure.services import accounts, boosters, export, families, relapse_checks
from tests.conftest import PASSWORD
from tests.factories import (
    add_practice,
    current_step,
    fill_child,
    finished_ladder,
    make_ladder,
    practise_on_days,
)
from tests.hostile_input import FORMULAS


def _ids(db, model, *where):
    return sorted(db.exec(select(model.id).where(*where)).all())


@pytest.fixture
def tara(db):
    return accounts.register(db, email="tara@example.com", password=PASSWORD,
                             display_name="Tara", role="therapist")


def test_the_json_export_holds_every_row_about_the_child(db, family, other_family, tara):
    fill_child(db, family.child, family.user, tara)
    fill_child(db, other_family.child, other_family.user)
    document = json.loads(export.export_child(db, family.child, family.user, "json"))
    [child] = document["children"]
    assert child["display_name"] == "Sam"
    assert sorted(p["id"] for p in child["practices"]) == _ids(
        db, Practice, Practice.child_id == family.child.id)
    assert {p["note"] for p in child["practices"]} == set(FORMULAS)  # JSON keeps text as it is
    assert all(p["fear_peak"] == 7 and p["small_wins"] == ["laughed"] for p in child["practices"])
    assert sorted(c["id"] for c in child["checkins"]) == _ids(
        db, DayCheckIn, DayCheckIn.child_id == family.child.id)
    assert all(c["avoidances"][0]["accommodations"] == ["kept_home"] for c in child["checkins"])
    [ladder] = child["ladders"]
    assert [s["title"] for s in ladder["steps"]] == ["Step 1", "Step 2"]
    assert ladder["steps"][0]["substeps"][0]["text"] == "Shoes on"
    assert [n["text"] for n in child["notes"]] == ["Practise the gate twice"]
    assert child["notes"][0]["author"] == "Tara"
    assert child["sharing"][0]["therapist"] == "Tara"
    assert "code_hash" not in child["sharing"][0]
    assert "Other" not in json.dumps(document)


def test_a_therapist_export_leaves_out_the_familys_consent_records(db, family, tara):
    fill_child(db, family.child, family.user, tara)
    document = json.loads(export.export_child(db, family.child, tara, "json"))
    assert "sharing" not in document["children"][0]
    assert "alex@example.com" not in json.dumps(document)
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.actor_id == tara.id and event.family_id == family.user.family_id


def _csv_tables(body: bytes) -> dict[str, list[dict]]:
    with zipfile.ZipFile(io.BytesIO(body)) as archive:
        return {name.removesuffix(".csv"): list(csv.DictReader(io.StringIO(
            archive.read(name).decode("utf-8-sig")))) for name in archive.namelist()}


def test_the_csv_zip_has_one_table_per_kind_and_escapes_formulas(db, family):
    fill_child(db, family.child, family.user)
    tables = _csv_tables(export.export_child(db, family.child, family.user, "csv"))
    assert {"children", "ladders", "steps", "substeps", "practices", "checkins", "avoidances",
            "notes"} <= tables.keys()
    notes = {row["note"] for row in tables["practices"]}
    assert notes == {"'" + text for text in FORMULAS}
    assert tables["avoidances"][0]["description"] == "'=cmd at the gate"
    assert len(tables["practices"]) == len(FORMULAS) and len(tables["checkins"]) == 2
    assert tables["practices"][0]["fear_peak"] == "7"


def test_no_csv_cell_anywhere_starts_like_a_formula(db, family):
    fill_child(db, family.child, family.user)
    family.child.display_name = "=Sam"
    db.commit()
    tables = _csv_tables(export.export_family(db, family.user.family, family.user, "csv"))
    for rows in tables.values():
        for row in rows:
            for value in row.values():
                assert not value.startswith(("=", "+", "@", "\t", "\r")), value
                assert not value.startswith("-") or value.lstrip("-").isdigit(), value


def test_the_family_export_holds_every_child_and_the_caregivers(db, family):
    second = families.add_child(db, family.user, display_name="Mia")
    fill_child(db, family.child, family.user)
    fill_child(db, second, family.user)
    document = json.loads(export.export_family(db, family.user.family, family.user, "json"))
    assert [c["display_name"] for c in document["children"]] == ["Sam", "Mia"]
    assert sum(len(c["practices"]) for c in document["children"]) == len(
        _ids(db, Practice))
    assert document["caregivers"][0]["email"] == "alex@example.com"
    assert "password_hash" not in json.dumps(document)
    assert any(e["action"] == "export" for e in document["audit_log"])
    tables = _csv_tables(export.export_family(db, family.user.family, family.user, "csv"))
    assert {row["display_name"] for row in tables["children"]} == {"Sam", "Mia"}
    assert len(tables["practices"]) == 2 * len(FORMULAS)


def test_the_parent_led_plan_with_its_agreements_and_days_is_exported(db, family):
    from datetime import date

    from graded_exposure.models import AccommodationPlan, PlanAgreement, PlanDay
    plan = AccommodationPlan(child_id=family.child.id, target="=cmd keeping Sam home",
                             instead="We walk to school", starts_on=date(2026, 11, 2),
                             acceptance="I know it is hard", confidence="I know you can",
                             if_upset="Stay close", status="active",
                             created_by_id=family.user.id, changed_by_id=family.user.id)
    db.add(plan)
    db.flush()
    db.add_all([PlanAgreement(plan_id=plan.id, user_id=family.user.id),
                PlanDay(plan_id=plan.id, day=date(2026, 11, 3), kept="yes", child_upset=6,
                        parent_hard=5, helped="Our sentence", logged_by_id=family.user.id)])
    db.commit()
    [child] = json.loads(export.export_child(db, family.child, family.user, "json"))["children"]
    [exported] = child["plans"]
    assert exported["target"] == "=cmd keeping Sam home" and exported["changed_by"] == "alex"
    assert exported["agreements"][0]["user_id"] == family.user.id
    assert exported["days"][0]["helped"] == "Our sentence"
    tables = _csv_tables(export.export_child(db, family.child, family.user, "csv"))
    assert tables["plans"][0]["target"] == "'=cmd keeping Sam home"
    assert tables["plan_days"][0]["child_upset"] == "6"


def test_safety_behaviours_contexts_and_fading_are_exported(db, family):
    """Issue 16: what was leaned on (the list and the old free text), where, with whom, when,
    the ladder's list and places rule, and a faded step's link to the step it repeats."""
    ladder = make_ladder(db, family.child, steps=2, safety_behaviours=["Holding a hand"],
                         mastery_min_contexts=2)
    practise_on_days(db, ladder.steps[0], days=(0,), safety_used=["Holding a hand"],
                     safety_behaviours="Held on at the gate", context_where="park",
                     context_with="friend", context_time="morning")
    db.add(Step(ladder_id=ladder.id, position=3, title="Step 1 — without holding a hand",
                faded_from_id=ladder.steps[0].id, without_safety="Holding a hand"))
    db.commit()
    [child] = json.loads(export.export_child(db, family.child, family.user, "json"))["children"]
    [practice] = child["practices"]
    assert practice["safety_used"] == ["Holding a hand"]
    assert practice["safety_behaviours"] == "Held on at the gate"
    assert (practice["context_where"], practice["context_with"], practice["context_time"]) == (
        "park", "friend", "morning")
    [exported] = child["ladders"]
    assert exported["safety_behaviours"] == ["Holding a hand"]
    assert exported["mastery_min_contexts"] == 2
    assert exported["steps"][2]["faded_from_id"] == ladder.steps[0].id
    tables = _csv_tables(export.export_child(db, family.child, family.user, "csv"))
    row = tables["practices"][0]
    assert (row["context_where"], row["safety_behaviours"]) == ("park", "Held on at the gate")
    assert "Holding a hand" in row["safety_used"]
    assert tables["steps"][2]["without_safety"] == "Holding a hand"


def test_booster_plans_and_quick_checks_are_exported(db, family, other_family):
    ladder = finished_ladder(db, family.child)
    plan = boosters.accept(db, ladder, family.user, "18:00")
    check = relapse_checks.record_check(db, ladder, family.user, RelapseAnswers(2, 0, 1),
                                        [ladder.steps[1].id], "export-check")
    theirs = finished_ladder(db, other_family.child)
    boosters.accept(db, theirs, other_family.user, "18:00")
    [child] = json.loads(export.export_child(db, family.child, family.user, "json"))["children"]
    [exported_plan] = child["booster_plans"]
    assert exported_plan["id"] == plan.id and exported_plan["local_time"] == "18:00"
    assert exported_plan["created_by"] == family.user.display_name
    [exported_check] = child["relapse_checks"]
    assert exported_check["id"] == check.id and exported_check["creeping_back"] is True
    assert exported_check["answered_by"] == family.user.display_name
    assert "idempotency_key" not in exported_check
    tables = _csv_tables(export.export_family(db, family.user.family, family.user, "csv"))
    assert [row["id"] for row in tables["booster_plans"]] == [str(plan.id)]
    assert [row["id"] for row in tables["relapse_checks"]] == [str(check.id)]


def test_expectancy_likelihoods_and_reratings_are_exported(db, family, other_family):
    step = current_step(make_ladder(db, family.child))
    practice = add_practice(db, family.child, step, before=6)
    practice.expected_likelihood, practice.prediction = 75, "They will laugh"
    db.add(ExpectancyRerating(practice_id=practice.id, child_id=family.child.id, likelihood=25,
                              rated_by_id=family.user.id))
    other = current_step(make_ladder(db, other_family.child))
    theirs = add_practice(db, other_family.child, other, before=3)
    db.add(ExpectancyRerating(practice_id=theirs.id, child_id=other_family.child.id,
                              likelihood=0))
    db.commit()
    document = json.loads(export.export_child(db, family.child, family.user, "json"))
    [child] = document["children"]
    assert child["practices"][0]["expected_likelihood"] == 75
    [rerating] = child["expectancy_reratings"]
    assert (rerating["practice_id"], rerating["likelihood"], rerating["rated_by"]) == (
        practice.id, 25, "alex")
    archive = zipfile.ZipFile(io.BytesIO(export.export_child(db, family.child, family.user,
                                                             "csv")))
    rows = list(csv.DictReader(io.StringIO(
        archive.read("expectancy_reratings.csv").decode("utf-8-sig"))))
    assert [r["likelihood"] for r in rows] == ["25"]


def test_the_family_export_shows_addresses_only_where_the_audit_page_does(db, family, tara):
    """Found from outside: the audit page shows where each sign-in came from, and nothing
    else's address; the export gave the family the address a therapist worked from."""
    from graded_exposure.services import audit

    audit.record(db, "login", actor_id=family.user.id, family_id=family.user.family_id,
                 ip="198.51.100.7")
    audit.record(db, "therapist_viewed", actor_id=tara.id, family_id=family.user.family_id,
                 subject=f"child:{family.child.id}", ip="203.0.113.77")
    db.commit()
    document = json.loads(export.as_json(export.family_tables(db, family.user.family), "family"))
    assert {(e["action"], e["ip"]) for e in document["audit_log"]} >= {
        ("login", "198.51.100.7"), ("therapist_viewed", "")}


def test_the_family_export_holds_its_inbox_live_sessions_and_device_settings(db, family, tara):
    """Found from outside: "everything" left out the family's inbox (a therapist's reminder
    words among it), the faces the child tapped in live sessions, quiet hours and unsubscribes,
    the calendar feed and the phones with notifications on. Secrets stay out: the feed's token
    hash, the push endpoint and its keys."""
    from datetime import timedelta

    from graded_exposure.models import (
        CalendarFeed,
        InboxMessage,
        LiveSession,
        PushSubscription,
        utcnow,
    )
    from graded_exposure.services import notification_settings

    user, child = family.user, family.child
    db.add_all([
        InboxMessage(user_id=user.id, child_id=child.id, title="From your therapist",
                     body="Practise the lift at the clinic"),
        LiveSession(child_id=child.id, therapist_id=tara.id, ends_at=utcnow() + timedelta(hours=1),
                    face="brave"),
        CalendarFeed(user_id=user.id, token_hash="f" * 64, show_child_names=True),
        PushSubscription(user_id=user.id, endpoint="https://fcm.googleapis.com/fcm/send/secret",
                         p256dh="key-secret", auth="auth-secret")])
    db.commit()
    notification_settings.opt_out_of_email(db, user, "weekly_digest")
    text = export.as_json(export.family_tables(db, user.family), "family")
    document = json.loads(text)
    assert [m["body"] for m in document["inbox"]] == ["Practise the lift at the clinic"]
    assert [s["face"] for s in document["children"][0]["live_sessions"]] == ["brave"]
    assert document["notification_settings"][0]["email_opt_out"] == ["weekly_digest"]
    assert document["calendar_feeds"][0]["show_child_names"] is True
    assert document["push_devices"][0]["service"] == "fcm.googleapis.com"
    for secret in ("f" * 64, "secret", "key-secret", "auth-secret"):
        assert secret not in text


def test_practice_times_come_with_the_familys_zone_and_local_time(db, family):
    # Found from outside (time audit): practices.csv gave only UTC moments ("2026-03-04T18:45")
    # beside check-ins' local days, and no export named the zone: a practice at 00:15 on
    # Thursday 5 March in Kolkata read as Wednesday.
    family.user.family.timezone = "Asia/Kolkata"
    db.commit()
    practice = add_practice(db, family.child, current_step(make_ladder(db, family.child)), 5)
    practice.practiced_at = datetime(2026, 3, 4, 18, 45, tzinfo=UTC)
    db.commit()
    document = json.loads(export.export_child(db, family.child, family.user, "json"))
    [child] = document["children"]
    assert child["timezone"] == "Asia/Kolkata"
    [practice] = child["practices"]
    assert practice["practiced_at_local"] == "2026-03-05T00:15:00+05:30"
    tables = _csv_tables(export.export_family(db, family.user.family, family.user, "csv"))
    assert tables["practices"][0]["practiced_at_local"] == "2026-03-05T00:15:00+05:30"
    assert tables["children"][0]["timezone"] == "Asia/Kolkata"
