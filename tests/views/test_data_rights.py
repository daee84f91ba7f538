"""Data rights over HTTP: exports, the family's audit log, deleting an account for real."""
import io
import json
import zipfile

import pytest
from sqlmodel import select

from graded_exposure.models import (
    AuditEvent,
    Child,
    Family,
    Practice,
    TherapistLink,
    TherapistNote,
    User,
)
from graded_exposure.services import audit, audit_log, families
from tests.conftest import PASSWORD, Therapist, csrf_from, link_by_code, without_tokens
from tests.factories import fill_child
from tests.hostile_input import FORMULAS
from tests.query_plans import SQLITE_PLANS, plan_of

NOTE_TEXT = "Secret homework words 7f3a"


@pytest.fixture
def tara(app, db):
    return Therapist(app, db)


def test_the_child_json_export_downloads_everything(family, db):
    fill_child(db, family.child, family.user)
    response = family.client.get(f"/children/{family.child.id}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    disposition = response.headers["Content-Disposition"]
    assert disposition.startswith("attachment;") and "Sam" not in disposition
    assert response.headers["Cache-Control"] == "no-store"
    [child] = json.loads(response.get_data())["children"]
    assert len(child["practices"]) == len(FORMULAS) and len(child["checkins"]) == 2
    event = db.exec(select(AuditEvent).where(AuditEvent.action == "export")).one()
    assert event.actor_id == family.user.id and "JSON" in event.subject


def test_the_csv_export_is_a_zip_of_escaped_csvs(family, db):
    fill_child(db, family.child, family.user)
    response = family.client.get(f"/children/{family.child.id}/export.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    with zipfile.ZipFile(io.BytesIO(response.get_data())) as archive:
        practices = archive.read("practices.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in practices and "'@SUM(A1)" in practices and "'+1+1" in practices


def test_a_linked_therapist_can_export_until_the_link_ends(family, tara, db):
    fill_child(db, family.child, family.user)
    link = link_by_code(family, tara)
    for url in (f"/children/{family.child.id}/export.json",
                f"/children/{family.child.id}/export.zip"):
        assert tara.client.get(url).status_code == 200
    assert "sharing" not in json.loads(
        tara.client.get(f"/children/{family.child.id}/export.json").get_data())["children"][0]
    family.post(f"/links/{link.id}/end", {"confirm": "yes"})
    assert tara.client.get(f"/children/{family.child.id}/export.json").status_code == 404


def test_the_family_export_holds_all_children(family, db):
    mia = families.add_child(db, family.user, display_name="Mia")
    fill_child(db, family.child, family.user)
    fill_child(db, mia, family.user)
    document = json.loads(family.client.get("/family/export.json").get_data())
    assert [c["display_name"] for c in document["children"]] == ["Sam", "Mia"]
    assert sum(len(c["practices"]) for c in document["children"]) == 2 * len(FORMULAS)
    zipped = family.client.get("/family/export.zip")
    with zipfile.ZipFile(io.BytesIO(zipped.get_data())) as archive:
        assert {"children.csv", "caregivers.csv", "audit_log.csv"} <= set(archive.namelist())


def test_therapists_have_no_family_export_or_audit(tara):
    for url in ("/family/export.json", "/family/export.zip", "/family/audit", "/family/data"):
        assert tara.client.get(url).status_code == 404, url


def test_the_audit_log_shows_who_did_what_and_never_note_text(family, tara, db):
    link = link_by_code(family, tara)
    db.add(TherapistNote(child_id=family.child.id, author_id=tara.user.id, text=NOTE_TEXT))
    audit.record(db, "therapist_viewed", actor_id=tara.user.id,
                 family_id=family.user.family_id, subject=f"child:{family.child.id}")
    db.commit()
    tara.client.get(f"/children/{family.child.id}/export.json")
    family.post(f"/links/{link.id}/end", {"confirm": "yes"})
    mia = families.add_child(db, family.user, display_name="Mia")
    family.post(f"/children/{mia.id}/delete", {"confirm": "yes"})
    body = family.client.get("/family/audit").get_data(as_text=True)
    for words in ("Logged in", "Agreed to share with a therapist", "Tara (therapist)",
                  "Therapist viewed the child", "Exported data", "Sam as JSON",
                  "Ended a therapist", "Sam with Tara", "Deleted a child"):
        assert words in body, words
    assert NOTE_TEXT not in body
    assert "code_hash" not in body and PASSWORD not in body


def test_the_audit_log_is_the_familys_own(family, other_family):
    family.client.get(f"/children/{family.child.id}/export.json")
    body = without_tokens(other_family.client.get("/family/audit").get_data(as_text=True))
    assert "Exported data" not in body and "Sam" not in body


def test_older_audit_events_come_as_a_partial(family, db):
    for _ in range(60):
        audit.record(db, "export", actor_id=family.user.id, family_id=family.user.family_id,
                     subject=f"child:{family.child.id} as JSON")
    db.commit()
    first = family.client.get("/family/audit").get_data(as_text=True)
    assert "Show older events" in first
    older = family.client.get("/family/audit?page=2", headers={"HX-Request": "true"})
    body = older.get_data(as_text=True)
    assert older.status_code == 200 and "<html" not in body and 'id="audit-page-2"' in body
    assert family.client.get("/family/audit?page=abc").status_code == 200


def test_deleting_the_account_needs_the_right_password(family, db):
    response = family.post("/account/delete", {"password": "wrong password", "understood": "y"})
    assert response.status_code == 422
    assert "nothing was deleted" in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, family.user.id) is not None
    assert family.client.get(f"/children/{family.child.id}").status_code == 200


@pytest.mark.parametrize("data, message", [
    ({"password": ""}, "Enter your password"),
    ({"understood": ""}, "Tick the box"),
])
def test_deleting_needs_both_the_password_and_the_tick(family, db, data, message):
    response = family.post("/account/delete", {"password": PASSWORD, "understood": "y", **data})
    assert response.status_code == 422 and message in response.get_data(as_text=True)
    db.expire_all()
    assert db.get(User, family.user.id) is not None


def test_deleting_needs_csrf(family, db):
    response = family.client.post("/account/delete", data={"password": PASSWORD,
                                                           "understood": "y"})
    assert response.status_code == 400
    db.expire_all()
    assert db.get(User, family.user.id) is not None


def test_the_last_caregiver_deletes_the_family_and_is_logged_out(family, other_family, db):
    fill_child(db, family.child, family.user)
    family_id, child_id = family.user.family_id, family.child.id
    page = family.client.get("/account/delete").get_data(as_text=True)
    assert "the whole family" in page and "Sam" in page
    response = family.post("/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(Family, family_id) is None and db.get(Child, child_id) is None
    assert db.exec(select(Practice).where(Practice.child_id == child_id)).all() == []
    assert family.client.get("/family").status_code == 302  # the old session is gone
    assert other_family.client.get(f"/children/{other_family.child.id}").status_code == 200


def test_a_therapist_deletes_their_account(family, tara, db):
    link, tara_id = link_by_code(family, tara), tara.user.id
    response = tara.post("/account/delete", {"password": PASSWORD, "understood": "y"})
    assert response.status_code == 303
    db.expire_all()
    assert db.get(User, tara_id) is None
    assert db.get(TherapistLink, link.id).status == "ended"
    assert "A former therapist" in family.client.get("/family/sharing").get_data(as_text=True)


def test_the_data_page_links_every_export(family):
    body = family.client.get("/family/data").get_data(as_text=True)
    for url in ("/family/export.json", "/family/export.zip",
                f"/children/{family.child.id}/export.json",
                f"/children/{family.child.id}/export.zip", "/family/audit", "/account/delete"):
        assert f'href="{url}"' in body, url
    assert csrf_from(body)


@pytest.mark.sqlite_only(SQLITE_PLANS)
def test_a_page_of_the_audit_log_comes_in_order_from_the_index(db, family):
    # Through the index on the family alone, every page sorted all of the family's events.
    plan = plan_of(db.connection(), audit_log.FAMILY_EVENTS.limit(21),
                   {"family_id": family.user.family_id})
    assert "ix_auditevent_family_time" in plan and "TEMP B-TREE" not in plan, plan
